import { dirname, normalize, posix } from 'node:path';

/** A path in a tracked file that leads out of the repository, or a Markdown link to nothing. */
export interface OutsideLink {
  file: string;
  line: number;
  target: string;
  why: string;
}

// `../x`, `../../x/y.md`: a relative path climbing at least one folder, ending in a name (not the middle of a URL).
const CLIMBING_PATH = /(?<![\w./-])(?:\.\.\/)+[A-Za-z0-9_][\w.-]*(?:\/[\w.-]+)*/g;
// [text](target) and ![alt](target), up to a space (an optional title) or the closing parenthesis.
const MARKDOWN_LINK = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?[^)]*\)/g;
// The folder beside the repository that the contract and the guides were once read from.
const SIBLING_SHARED = /(?:^|[^\w./-])(?:\.\.\/)+shared\//;

const CODE_FILE = /\.(?:[cm]?[jt]sx?|sh|go)$|(?:^|\/)(?:Makefile|Dockerfile[^/]*)$/;
const COMMENT = /^\s*(?:\/\/|\/?\*|#)|\s(?:\/\/|#)\s/;

/**
 * The part of a line that can hold a link: all of it in prose and data files, only the comment in code,
 * where a path in a string is a runtime path (often relative to dist/, so climbing further than the
 * source file's own folder suggests) rather than something a reader follows.
 */
function linkable(file: string, line: string): string {
  if (!CODE_FILE.test(file)) return line;
  const m = COMMENT.exec(line);
  return m ? line.slice(m.index) : '';
}

function escapes(file: string, target: string): boolean {
  const resolved = posix.normalize(posix.join(dirname(file), target));
  return resolved === '..' || resolved.startsWith('../');
}

/**
 * The links of one tracked file (`file` relative to the repository root, POSIX separators) that a clone
 * cannot follow: a relative path that climbs out of the repository, any path into the `shared/` folder
 * beside it, and in Markdown a relative link to a file that does not exist.
 */
export function outsideLinks(file: string, text: string, exists: (path: string) => boolean): OutsideLink[] {
  const found: OutsideLink[] = [];
  const lines = text.split('\n');
  lines.forEach((content, i) => {
    const at = (target: string, why: string) => found.push({ file, line: i + 1, target, why });
    for (const m of linkable(file, content).matchAll(CLIMBING_PATH)) {
      if (escapes(file, m[0])) at(m[0], 'climbs out of the repository');
    }
    if (SIBLING_SHARED.test(content)) at(content.trim(), 'names the shared/ folder beside the repository');
    if (!file.endsWith('.md')) return;
    for (const m of content.matchAll(MARKDOWN_LINK)) {
      const target = m[1]!.split('#')[0]!;
      if (!target || /^[a-z][a-z0-9+.-]*:/i.test(m[1]!) || m[1]!.startsWith('#')) continue;
      const path = target.startsWith('/') ? target.slice(1) : posix.join(dirname(file), target);
      if (escapes(file, target) && !target.startsWith('/')) continue; // already reported above
      if (!exists(normalize(decodeURIComponent(path)))) at(m[1]!, 'links to a file that does not exist');
    }
  });
  return found;
}
