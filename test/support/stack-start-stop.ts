// Starts the whole stack, answers one request and stops: run as its own process
// under the no-outbound guard by test/no-phoning-home.test.ts.
import { startTestStack } from './stack.ts';

const stack = await startTestStack();
const res = await stack.query('query($n: String!) { order(number: $n) { number } }', { n: stack.world.demo.orderNumber });
if (res.errors) throw new Error(JSON.stringify(res.errors));
await stack.close();
// Let anything started in the background (exporters flushing on shutdown) try to connect.
await new Promise((r) => setTimeout(r, 500));
