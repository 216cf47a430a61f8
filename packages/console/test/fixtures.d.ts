/** Types of the mock backend's fixtures, as the tests import them. */
export const CONSOLE_KEY: string;
