// Leases the first free subnet slot at or after argv[2], reports it, and holds
// it until killed.
import { leaseSubnet } from '../../helpers/subnet-lease';
import { report } from '../../helpers/report';

void leaseSubnet(Number(process.argv[2])).then((lease) => {
  report({ slot: lease.slot });
  setInterval(() => {}, 1000);
});
