/**
 * @module
 * Static files as a shop's web server sends them: read once, compressed once (brotli and gzip,
 * chosen by `Accept-Encoding`) and kept in memory, validated by ETag (`304 Not Modified`), and
 * versioned by their content so that a URL naming the version can be cached for a year.
 *
 * A file is read again when its size or modification time changes (a `pnpm build` while the
 * shop runs), which changes its hash and so the version of every URL that names it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/** `Cache-Control` of a URL that names the content's version: the content never changes. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** `Cache-Control` of a URL without a version: kept a minute, then revalidated by ETag. */
export const REVALIDATE = 'public, max-age=60, must-revalidate';

/** Content types of the files the shop serves. */
const TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Encodings the shop offers, best first, with the ETag suffix of each. */
const ENCODINGS = { br: '-br', gzip: '-gz' };

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Compresses as a one-off at build time would: best ratio, since it happens once per file. */
function compress(body, encoding) {
  if (encoding === 'br') {
    return brotli(body, {
      params: {
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    });
  }
  return gzipAsync(body, { level: constants.Z_BEST_COMPRESSION });
}

/**
 * The encoding to send for an `Accept-Encoding` header: `br` or `gzip`, whichever the client
 * weighs higher (brotli on a tie), or null for the file as it is. `q=0` refuses a coding; `*`
 * stands for every coding not named (RFC 9110 §12.5.3).
 * @param {string | undefined} header
 * @returns {'br' | 'gzip' | null}
 */
export function negotiateEncoding(header) {
  if (!header) return null;
  const weights = new Map();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().split(';');
    const coding = name.trim().toLowerCase();
    if (!coding) continue;
    const q = params.map((p) => /^\s*q\s*=\s*([\d.]+)\s*$/i.exec(p)).find(Boolean);
    const weight = q ? Number(q[1]) : 1;
    weights.set(coding, Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (coding) => weights.get(coding) ?? weights.get('*') ?? 0;
  let best = null;
  for (const coding of Object.keys(ENCODINGS)) {
    const weight = weightOf(coding);
    if (weight > 0 && (best === null || weight > weightOf(best))) best = coding;
  }
  return best;
}

/** Whether an `If-None-Match` header names this ETag (weak comparison, RFC 9110 §13.1.2). */
function matchesETag(header, etag) {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}

/**
 * Creates the shop's file store.
 * @param {{ compress?: boolean }} [options] `compress: false` sends every file as it is, without
 *   `ETag` or `Vary` (the way a bare file server does).
 */
export function createAssetStore({ compress: compressing = true } = {}) {
  /** @type {Map<string, { mtimeMs: number, size: number, body: Buffer, hash: string, encoded: Map<string, Promise<Buffer | null>> }>} */
  const files = new Map();

  /** The file's current entry (read again if it changed), or null when there is none. */
  function load(path) {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      files.delete(path);
      return null;
    }
    if (!stat.isFile()) return null;
    const known = files.get(path);
    if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size) return known;
    return remember(path, readFileSync(path), stat);
  }

  function remember(key, body, stat = { mtimeMs: 0, size: body.length }) {
    const entry = {
      mtimeMs: stat.mtimeMs,
      size: stat.size,
      body,
      hash: createHash('sha256').update(body).digest('hex'),
      encoded: new Map(),
    };
    files.set(key, entry);
    return entry;
  }

  /** The entry's body in this encoding, or null when compressing does not make it smaller. */
  function encoded(entry, encoding) {
    let pending = entry.encoded.get(encoding);
    if (!pending) {
      pending = compress(entry.body, encoding).then(
        (bytes) => (bytes.length < entry.body.length ? bytes : null),
        () => null,
      );
      entry.encoded.set(encoding, pending);
    }
    return pending;
  }

  return {
    /** Whether responses are compressed and validated (false: files are sent as they are). */
    compressing,

    /** Content hash (hex) of a file, or null when it does not exist. */
    hash(path) {
      return load(path)?.hash ?? null;
    },

    /**
     * One version (12 hex digits) for a set of files, changing when any of them does: the
     * files of a build that load each other by relative URL share it.
     * @param {string[]} paths
     */
    version(paths) {
      const digest = createHash('sha256');
      for (const path of [...paths].sort()) digest.update(`${path}\0${load(path)?.hash ?? '-'}\n`);
      return digest.digest('hex').slice(0, 12);
    },

    /** Files of a folder (recursively) whose name passes `accept`, as absolute paths. */
    list(folder, accept) {
      let names;
      try {
        names = readdirSync(folder, { recursive: true });
      } catch {
        return [];
      }
      return names
        .map(String)
        .filter(accept)
        .map((name) => join(folder, name));
    },

    /** Registers content made by the shop itself (its style sheet) under a name. */
    define(name, text) {
      const known = files.get(`shop:${name}`);
      if (known && known.body.toString('utf8') === text) return;
      remember(`shop:${name}`, Buffer.from(text, 'utf8'));
    },

    /** Content hash of content registered with `define`. */
    definedHash(name) {
      return files.get(`shop:${name}`)?.hash ?? null;
    },

    /** Reads and compresses files ahead of their first request (at start-up). */
    async warm(paths) {
      if (!compressing) return;
      await Promise.all(
        paths.flatMap((path) => {
          const entry = load(path);
          return entry ? Object.keys(ENCODINGS).map((encoding) => encoded(entry, encoding)) : [];
        }),
      );
    },

    /**
     * Answers a GET or HEAD with a file, or with content registered with `define` (`shop:<name>`).
     * Returns false, having sent nothing, when there is no such file.
     * @param {import('node:http').IncomingMessage} req
     * @param {import('node:http').ServerResponse} res
     * @param {string} path
     * @param {{ cacheControl?: string, type?: string }} [options] `cacheControl` is left out
     *   when not given.
     */
    async send(req, res, path, options = {}) {
      const entry = path.startsWith('shop:') ? files.get(path) : load(path);
      if (!entry) return false;
      const type =
        options.type ?? TYPES[extname(path.replace(/^shop:/, ''))] ?? 'application/octet-stream';
      const headers = { 'content-type': type };
      if (options.cacheControl) headers['cache-control'] = options.cacheControl;
      let body = entry.body;
      if (compressing) {
        // The answer depends on Accept-Encoding, including when it is the file as it is.
        headers.vary = 'Accept-Encoding';
        const encoding = negotiateEncoding(req.headers['accept-encoding']);
        const bytes = encoding ? await encoded(entry, encoding) : null;
        // One ETag per representation: a cache never mixes up the brotli and the gzip bytes.
        headers.etag = `"${entry.hash.slice(0, 20)}${bytes ? ENCODINGS[encoding] : ''}"`;
        if (bytes) {
          body = bytes;
          headers['content-encoding'] = encoding;
        }
        if (matchesETag(req.headers['if-none-match'], headers.etag)) {
          const { 'content-type': _type, 'content-encoding': _encoding, ...kept } = headers;
          res.writeHead(304, kept);
          res.end();
          return true;
        }
      }
      headers['content-length'] = String(body.length);
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    },
  };
}
