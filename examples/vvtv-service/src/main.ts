// Runs the example: `npm run build && npx tsc -p examples/vvtv-service && node examples/vvtv-service/dist/main.js`.
// Serves /metrics on 127.0.0.1:9464 (PORT to change it) and records one tick of traffic a second.
import { simulateTraffic, startVvtvCore } from './service.js';

const service = await startVvtvCore({ port: Number(process.env.PORT ?? 9464) });
process.stdout.write(`vvtv-core example: metrics on http://127.0.0.1:${service.port}/metrics\n`);
setInterval(() => simulateTraffic(service.metrics, 1), 1000);
