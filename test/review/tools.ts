/** Where the review tests find the external tools scripts/review/install-tools.sh installs. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

const INSTALL_HINT = 'run `bash scripts/review/install-tools.sh` first';

function onPath(name: string): string | undefined {
  return (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, name)).find((path) => existsSync(path));
}

/** actionlint on PATH, in $GOBIN, or in Go's default bin directory. */
export function actionlintPath(): string {
  const goPath = (() => {
    try {
      return execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim();
    } catch {
      return join(homedir(), 'go');
    }
  })();
  const candidates = [onPath('actionlint'), process.env.GOBIN && join(process.env.GOBIN, 'actionlint'), join(goPath, 'bin', 'actionlint')];
  const found = candidates.find((path): path is string => !!path && existsSync(path));
  if (!found) throw new Error(`actionlint not found: ${INSTALL_HINT}`);
  return found;
}

/** Chromium (Debian's package) or Chrome; CHROMIUM overrides. */
export function chromiumPath(): string {
  const found = [process.env.CHROMIUM, onPath('chromium'), onPath('chromium-browser'), onPath('google-chrome')].find((path): path is string => !!path && existsSync(path));
  if (!found) throw new Error(`no chromium found: ${INSTALL_HINT}`);
  return found;
}
