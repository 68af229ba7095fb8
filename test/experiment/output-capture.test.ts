import t from 'tap';
import { OutputCapture, withOutput } from '../../src/experiment/output-capture.js';

t.test('tees stdout and stderr per evaluation and restores the streams', async (t) => {
  const out = process.stdout.write;
  const err = process.stderr.write;
  const c = new OutputCapture();
  c.start();
  try {
    c.mark();
    process.stdout.write('# first evaluation prints\n');
    c.mark();
    process.stdout.write('# second: to stdout\n');
    process.stderr.write(Buffer.from('# second: to stderr\n'));
    t.equal(c.take(), '# second: to stdout\n# second: to stderr\n', 'only since the mark, both streams interleaved');
    c.mark();
    t.equal(c.take(), '', 'nothing printed: nothing kept');
  } finally {
    c.stop();
  }
  t.equal(process.stdout.write, out);
  t.equal(process.stderr.write, err);
});

t.test('keeps only the last characters of a long output, and says so', async (t) => {
  const c = new OutputCapture(10);
  c.start();
  try {
    c.mark();
    process.stderr.write('# 0123456789abcdef\n');
  } finally {
    c.stop();
  }
  t.match(c.take(), /^\[\.\.\. earlier output cut: last 10 characters kept\]\n789abcdef\n$/);
});

t.test('a failure carries what the optimizee printed', async (t) => {
  t.equal(withOutput('Error: x', ''), 'Error: x');
  t.equal(withOutput('Error: x', 'step 3 diverged'), 'Error: x\n--- optimizee output during this evaluation ---\nstep 3 diverged\n');
});
