/**
 * `npm install git+file://…`: npm clones the repository, installs its dev
 * dependencies and runs `prepare` there (dist/ is built), packs it and
 * installs that. A git checkout has no prebuild, so the install script falls
 * back to the source build: this also proves that fallback.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, type TempDir } from '../helpers/loopback';
import { runOk } from '../helpers/processes';
import { checkInstalled, copySource, newProject, npmOk } from './support';

describe('install from git', () => {
  let tmp: TempDir;
  let repo: string;

  before(async () => {
    tmp = makeTempDir('install-git');
    // A repository holding this worktree as it is now (committed or not), as a remote would.
    repo = path.join(tmp.path, 'pktkit.git');
    await copySource(repo);
    const git = (...args: string[]) =>
      runOk(null, 'git', ['-c', 'user.name=pktkit test', '-c', 'user.email=test@pktkit.invalid', ...args], {
        cwd: repo,
      });
    await git('init', '-q');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'the worktree under test');
  });
  after(() => tmp?.remove());

  it('npm install git+file://…: dist/ built by prepare, addon built from source, bin runs', async () => {
    const project = newProject(path.join(tmp.path, 'project'));
    await npmOk(project, ['install', `git+file://${repo}`]);
    const pkg = path.join(project, 'node_modules', 'pktkit');
    assert.ok(fs.existsSync(path.join(pkg, 'dist/lib/index.js')), 'no dist/ in the installed package');
    assert.ok(!fs.existsSync(path.join(pkg, 'prebuilds')), 'a git checkout has no prebuild to install');
    assert.ok(!fs.existsSync(path.join(project, 'node_modules/typescript')), 'a dev dependency reached the project');
    await checkInstalled(project, `${path.sep}build${path.sep}Release${path.sep}`);
  });
});
