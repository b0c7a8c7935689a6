// Creates a net pair, starts a long sleep in it, reports the names, then ends
// the way argv[2] says, to show that the exit hooks still clean up:
//   throw  - an uncaught exception
//   reject - an unhandled promise rejection
//   exit   - process.exit(3) without destroy()
//   wait   - waits to be signalled (SIGTERM / SIGINT / SIGHUP from the test)
import { createNetPair } from '../../helpers/netns';
import { report } from '../../helpers/report';

async function main(): Promise<void> {
  const net = await createNetPair({ prefix: 'owner' });
  const sleeper = net.spawn(net.nsA, 'sleep', ['300']);
  report({ nsA: net.nsA, nsB: net.nsB, sleeperPid: sleeper.pid });
  const mode = process.argv[2];
  setTimeout(() => {
    if (mode === 'throw') throw new Error('deliberate uncaught exception');
    if (mode === 'reject') void Promise.reject(new Error('deliberate unhandled rejection'));
    if (mode === 'exit') process.exit(3);
  }, 100);
  if (mode === 'wait') setInterval(() => {}, 1000);
}
void main();
