/** The layout of hierarchical dispatch (relayGroups): who relays for whom, for each dispatch.fan_out. */
import t from 'tap';
import { AUTO_RELAY_WORKERS, relayGroups } from '../../src/experiment/relay.js';

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const oneHost = () => 'a';

t.test('fan_out n: a relay and n workers per group, in rank order; a lone last rank joins the group before it', async (t) => {
  t.equal(relayGroups(range(1, 7), oneHost, 0), null, '0: flat');
  t.same(relayGroups(range(1, 7), oneHost, 3), [{ relay: 1, workers: [2, 3, 4] }, { relay: 5, workers: [6, 7] }]);
  t.same(relayGroups(range(1, 9), oneHost, 3), [{ relay: 1, workers: [2, 3, 4] }, { relay: 5, workers: [6, 7, 8, 9] }], 'rank 9 alone would relay for nobody');
  t.same(relayGroups(range(1, 2), oneHost, 1), [{ relay: 1, workers: [2] }]);
  t.equal(relayGroups([1], oneHost, 4), null, 'one worker: nothing to relay');
});

t.test("'node': one group per host, led by its first rank; a host with one rank joins a neighbour", async (t) => {
  const host = (r: number) => (r <= 4 ? 'n1' : r <= 8 ? 'n2' : 'n3');
  t.same(relayGroups(range(1, 9), host, 'node'), [{ relay: 1, workers: [2, 3, 4] }, { relay: 5, workers: [6, 7, 8, 9] }], 'n3 has only rank 9');
  t.same(relayGroups(range(4, 8), host, 'node'), [{ relay: 5, workers: [4, 6, 7, 8] }], "n1's only worker rank joins n2's group");
  t.equal(relayGroups([1, 5], host, 'node'), null, 'a rank on each host: flat');
});

t.test("'auto': flat below the threshold, per node across hosts, else groups of about sqrt(workers)", async (t) => {
  t.equal(relayGroups(range(1, AUTO_RELAY_WORKERS - 1), oneHost, 'auto'), null);
  const many = range(1, 10_000);
  const byNode = relayGroups(many, (r) => `n${Math.floor((r - 1) / 128)}`, 'auto')!;
  t.equal(byNode.length, Math.ceil(10_000 / 128), 'one relay per 128-rank node');
  const square = relayGroups(many, oneHost, 'auto')!;
  t.equal(square.length, 99, '10,000 worker ranks on one host: 99 relays (groups of a relay and 100 workers)');
  t.ok(square.every((g) => g.workers.length >= 100 && g.workers.length <= 101), 'each serving 100 (the last 101)');
  t.equal(new Set(square.flatMap((g) => [g.relay, ...g.workers])).size, 10_000, 'every rank placed once');
});
