/** Chromium's flags for a headless run in a container. */
export declare const CHROMIUM_ARGS: readonly string[];
/** Playwright launch options for the system Chromium (`CHROMIUM_PATH` or /usr/bin/chromium). */
export declare function chromiumLaunchOptions(): { executablePath: string; args: string[] };
