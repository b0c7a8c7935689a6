/**
 * Run as an ordinary user (the test starts it with setpriv): dropPrivileges()
 * must refuse with PermissionError and change nothing.
 */
import { dropPrivileges, threadCredentials } from '../../../lib/index';
import { report } from '../../helpers/report';

const before = threadCredentials();
try {
  dropPrivileges({ user: 'nobody' });
  report({ dropped: true });
} catch (err) {
  const e = err as Error & { code?: string };
  report({
    error: { name: e.name, code: e.code, message: e.message },
    same:
      JSON.stringify(threadCredentials().map((t) => [t.uid, t.gid])) ===
      JSON.stringify(before.map((t) => [t.uid, t.gid])),
  });
}
