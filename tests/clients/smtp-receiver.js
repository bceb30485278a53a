// A real receiving SMTP server (Node's smtp-server) for the outbound delivery tests: it stands
// in for a relay or a recipient domain's MX. Configured by one JSON argument:
//   { "port": 0, "secure": false, "starttls": true, "key": "<pem>", "cert": "<pem>",
//     "auth": { "user": "u", "pass": "p" } | null, "size": 0,
//     "rules": [ { "rcpt": "x@y", "stage": "rcpt" | "data", "code": 451, "message": "...", "times": 1 } ],
//     "outDir": "/tmp/..." }
// Prints "LISTENING <port>" when ready. Each accepted message is written to outDir as
// <n>.eml (the exact bytes received, dot-unstuffed) and <n>.json (envelope, TLS, user).
// Every RCPT/DATA refusal is appended to outDir/refusals.log, so a test can count attempts.
'use strict';
const fs = require('fs');
const path = require('path');
const { SMTPServer } = require('smtp-server');

const config = JSON.parse(process.argv[2] || '{}');
fs.mkdirSync(config.outDir, { recursive: true });
let counter = 0;
const hits = new Map();

function refusal(stage, addresses) {
  for (const rule of config.rules || []) {
    if (rule.stage !== stage || !addresses.some(a => a.toLowerCase() === rule.rcpt.toLowerCase())) continue;
    const key = stage + ':' + rule.rcpt;
    const seen = hits.get(key) || 0;
    if (rule.times !== undefined && seen >= rule.times) continue;
    hits.set(key, seen + 1);
    fs.appendFileSync(path.join(config.outDir, 'refusals.log'), `${stage} ${rule.rcpt} ${rule.code}\n`);
    const error = new Error(rule.message || (rule.code >= 500 ? 'rejected by test rule' : 'try again later (test rule)'));
    error.responseCode = rule.code;
    return error;
  }
  return null;
}

const options = {
  secure: !!config.secure,
  hideSTARTTLS: config.starttls === false,
  authOptional: !config.auth,
  authMethods: ['PLAIN', 'LOGIN'],
  size: config.size || 0,
  banner: 'test receiver',
  logger: false,
  onAuth(auth, session, callback) {
    if (config.auth && auth.username === config.auth.user && auth.password === config.auth.pass) {
      return callback(null, { user: auth.username });
    }
    return callback(new Error('Invalid username or password'));
  },
  onRcptTo(address, session, callback) {
    callback(refusal('rcpt', [address.address]));
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', chunk => chunks.push(chunk));
    stream.on('end', () => {
      const refused = refusal('data', session.envelope.rcptTo.map(r => r.address));
      if (refused) return callback(refused);
      const n = ++counter;
      fs.writeFileSync(path.join(config.outDir, `${n}.eml`), Buffer.concat(chunks));
      fs.writeFileSync(path.join(config.outDir, `${n}.json`), JSON.stringify({
        from: session.envelope.mailFrom && session.envelope.mailFrom.address,
        to: session.envelope.rcptTo.map(r => r.address),
        tls: !!session.secure,
        user: session.user || null,
        helo: session.hostNameAppearsAs,
      }));
      callback(null, `queued as test-${n}`);
    });
  },
};
if (config.key) options.key = config.key;
if (config.cert) options.cert = config.cert;

const server = new SMTPServer(options);
server.on('error', error => console.error('receiver error:', error.message));
server.listen(config.port || 0, '127.0.0.1', () => {
  console.log(`LISTENING ${server.server.address().port}`);
});
process.stdin.on('end', () => server.close(() => process.exit(0)));
process.stdin.resume();
