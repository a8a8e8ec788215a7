// Runs s3rver (an S3 API server) on 127.0.0.1 at a random port, in its own Node process so that
// the process can start with --openssl-legacy-provider: without it, s3rver's paged
// ListObjectsV2 (continuation tokens) answers 500 on Node 17+. Prints {"port": n} when ready and
// stops when its parent closes stdin. Usage: node --openssl-legacy-provider aws-s3rver-child.mjs <dir> <bucket>...
import S3rver from 's3rver';

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({
  port: 0,
  address: '127.0.0.1',
  directory,
  silent: true,
  configureBuckets: buckets.map((name) => ({ name })),
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await server.close();
  process.exit(0);
});
