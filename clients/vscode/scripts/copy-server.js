// Copies the server jar built by Maven into server/, where the packaged extension carries it.
const fs = require('fs');
const path = require('path');
const jar = path.resolve(__dirname, '..', '..', '..', 'server', 'target', 'warmup-server.jar');
if (!fs.existsSync(jar)) {
  console.error(`The server jar is not built: ${jar}\nBuild it first: ./mvnw -q package -DskipTests (at the repository root).`);
  process.exit(1);
}
fs.mkdirSync(path.resolve(__dirname, '..', 'server'), { recursive: true });
fs.copyFileSync(jar, path.resolve(__dirname, '..', 'server', 'warmup-server.jar'));
