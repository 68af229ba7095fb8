import t from 'tap';
import { layout, mpmdContext } from '../../src/cli/job-layout.js';

const e = (name: string, ranks?: number) => ({ file: `${name}.yaml`, name, ...(ranks !== undefined ? { ranks } : {}) });
const spans = (groups: ReturnType<typeof layout>) => groups.map((g) => [g.name, g.first, g.size]);

t.test('consecutive groups, in the order of the files', async (t) => {
  t.same(spans(layout([e('a'), e('b')], 8)), [['a', 0, 4], ['b', 4, 4]], 'even split');
  t.same(spans(layout([e('a'), e('b'), e('c')], 8)), [['a', 0, 3], ['b', 3, 3], ['c', 6, 2]], 'the remainder to the first ones');
  t.same(spans(layout([e('a', 2), e('b'), e('c', 1)], 8)), [['a', 0, 2], ['b', 2, 5], ['c', 7, 1]], 'fixed ones get theirs, the rest to the others');
  t.same(spans(layout([e('a', 3), e('b', 5)], 8)), [['a', 0, 3], ['b', 3, 5]]);
  t.same(layout([e('a'), e('b')], 8).map((g) => g.index), [0, 1]);
});

t.test('what cannot work is refused with the numbers', async (t) => {
  t.throws(() => layout([e('a', 3), e('b', 3)], 8), /ask for 6 ranks in all \(a: 3, b: 3\), and the job has 8/);
  t.throws(() => layout([e('a', 7), e('b')], 7), /need at least 8 ranks \(a: 7, b: the rest\), and the job has 7/);
  t.throws(() => layout([e('a'), e('a')], 4), /name: 'a' is also the name of a\.yaml/);
});

t.test("mpirun's application contexts from its environment", async (t) => {
  t.same(mpmdContext({ OMPI_APP_CTX_NUM_PROCS: '2 6', OMPI_MCA_orte_app_num: '1' }), { app: 1, sizes: [2, 6] });
  t.equal(mpmdContext({ OMPI_APP_CTX_NUM_PROCS: '8', OMPI_MCA_orte_app_num: '0' }), null, 'one context: not MPMD');
  t.equal(mpmdContext({}), null);
});
