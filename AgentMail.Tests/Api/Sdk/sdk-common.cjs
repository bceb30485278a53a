// Shared by the SDK scenarios: the official Nylas Node SDK, unchanged, pointed at AgentMail.
const Nylas = require('nylas').default;

const nylas = new Nylas({ apiKey: process.env.NYLAS_API_KEY, apiUri: process.env.NYLAS_API_URI, timeout: 60 });

/** Runs a call that must fail and reports what the SDK made of the error. */
async function failure(call) {
  try {
    await call();
    return { failed: false };
  } catch (e) {
    return { failed: true, name: e.constructor.name, statusCode: e.statusCode, type: e.type, message: e.message, requestId: e.requestId };
  }
}

/** Prints the scenario's results as one JSON line for the xunit test to assert. */
function report(run) {
  run().then(
    (result) => { process.stdout.write(JSON.stringify(result) + '\n'); },
    (error) => { process.stderr.write((error && error.stack) || String(error)); process.exit(1); });
}

module.exports = { Nylas, nylas, failure, report };
