// Take a payment through barion-grpc-gateway, from Node.js (npm @grpc/grpc-js and
// @grpc/proto-loader; the protos are loaded at run time from proto/).
//
// Starts a payment, plays the payer through the local sandbox's control API, waits on the
// payment-event stream until the payment has Succeeded, and shows the structured details of a
// request the gateway refuses (decoded with protobufjs, which @grpc/proto-loader brings, from
// google/rpc's protos in GOOGLE_PROTO_DIR, e.g. npm google-proto-files).
//
// Usage: node take_payment.js GRPC_ADDRESS SANDBOX_HTTP_URL PROTO_DIR GOOGLE_PROTO_DIR
//
// Connection, as the gateway's callers need it (docs/SECURITY.md), from the environment:
// BARION_GATEWAY_CA (the CA of the gateway's certificate: TLS), BARION_GATEWAY_CERT and
// BARION_GATEWAY_KEY (a client certificate: mTLS), BARION_GATEWAY_SERVER_NAME (the name on the
// gateway's certificate, when not the address's host), BARION_GATEWAY_TOKEN_FILE (a bearer
// token). None set: plaintext, for a gateway on this machine without callers.
'use strict';
const fs = require('fs');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const http = require('http');
const path = require('path');
const protobuf = require('protobufjs');

const read = (name) => (process.env[name] ? fs.readFileSync(process.env[name]) : null);
function connect() {
  const ca = read('BARION_GATEWAY_CA');
  const cert = read('BARION_GATEWAY_CERT');
  const options = {};
  if (process.env.BARION_GATEWAY_SERVER_NAME) {
    options['grpc.ssl_target_name_override'] = process.env.BARION_GATEWAY_SERVER_NAME;
  }
  const credentials = ca || cert ?
      grpc.credentials.createSsl(ca, read('BARION_GATEWAY_KEY'), cert) :
      grpc.credentials.createInsecure();
  return {credentials, options};
}
const metadata = () => {
  const m = new grpc.Metadata();
  const token = read('BARION_GATEWAY_TOKEN_FILE');
  if (token) m.set('authorization', 'Bearer ' + token.toString().trim());
  return m;
};

const [address, sandbox, protoDir, googleProtoDir] = process.argv.slice(2);
const definition = protoLoader.loadSync(
    ['barion/v1/payment_service.proto', 'barion/v1/payment_event.proto'],
    {includeDirs: [protoDir], keepCase: true, enums: String, longs: String, defaults: true});
const barion = grpc.loadPackageDefinition(definition).barion.v1;
const {credentials, options} = connect();
const payments = new barion.PaymentService(address, credentials, options);
const events = new barion.PaymentEventService(address, credentials, options);
const deadline = (s) => ({deadline: new Date(Date.now() + s * 1000)});

function pay(paymentId) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${sandbox}/_sandbox/payments/${paymentId}/pay`,
                             {method: 'POST', headers: {'Content-Type': 'application/json'}},
                             (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.end('{}');
  });
}

// 1. Subscribe first; the first message (a heartbeat) confirms the stream.
const stream = events.SubscribePaymentEvents({}, metadata(), deadline(60));
let paymentId = null;
let subscribed = false;
stream.on('data', async (message) => {
  if (!subscribed) {
    subscribed = true;
    // 2. Start a payment of 12.30 EUR.
    payments.StartPayment({
      payment_type: 'PAYMENT_TYPE_IMMEDIATE',
      funding_sources: ['FUNDING_SOURCE_ALL'],
      payment_request_id: `example-node-${process.pid}`,
      currency: 'CURRENCY_EUR',
      transactions: [{
        pos_transaction_id: 'example-node-1-1', total: '12.30',
        items: [{name: 'Book', description: 'A book', quantity: '1', unit: 'piece',
                 unit_price: '12.30', item_total: '12.30'}],
      }],
    }, metadata(), deadline(10), async (err, started) => {
      if (err) { console.log('FAIL: ' + err.message); process.exit(1); }
      paymentId = started.payment_id;
      console.log('started', paymentId, 'pay at', started.gateway_url);
      await pay(paymentId);  // 3. the payer pays
    });
    return;
  }
  // 4. Wait for the Succeeded event of this payment.
  if (!message.event || message.event.payment_id !== paymentId) return;
  const s = message.event.snapshot;
  console.log('event', message.event.cursor, s.status, s.total, s.currency_raw);
  if (s.status === 'PAYMENT_STATUS_SUCCEEDED') {
    console.log('node example: payment succeeded');
    stream.cancel();
    refuse();
  }
});

// Prints what a refused call's status carries: its code, then each detail the gateway attached
// (branch on these, never on the message text).
function explain(err) {
  console.log(`refused: ${grpc.status[err.code]}: ${err.details}`);
  const bin = err.metadata.get('grpc-status-details-bin')[0];
  if (!bin) return;
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => path.join(googleProtoDir, target);
  root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto']);
  const status = root.lookupType('google.rpc.Status').decode(bin);
  for (const detail of status.details) {
    const name = detail.type_url.split('/').pop();
    if (name === 'google.rpc.BadRequest') {
      const bad = root.lookupType(name).decode(detail.value);
      for (const v of bad.fieldViolations) console.log(`  bad field ${v.field}: ${v.description}`);
    } else if (name === 'google.rpc.ErrorInfo') {
      const info = root.lookupType(name).decode(detail.value);
      console.log(`  reason ${info.reason} (${info.domain})`, info.metadata);
    } else {
      console.log(`  detail ${detail.type_url}`);
    }
  }
}

// 5. A request the gateway refuses: forints have no decimals.
function refuse() {
  payments.StartPayment({
    payment_type: 'PAYMENT_TYPE_IMMEDIATE',
    funding_sources: ['FUNDING_SOURCE_ALL'],
    payment_request_id: `example-node-${process.pid}-bad`,
    currency: 'CURRENCY_HUF',
    transactions: [{
      pos_transaction_id: 'example-node-bad-1', total: '1500.50',
      items: [{name: 'Coffee', description: 'Flat white', quantity: '1', unit: 'cup',
               unit_price: '1500.50', item_total: '1500.50'}],
    }],
  }, metadata(), deadline(10), (err) => {
    if (!err) { console.log('FAIL: a HUF amount with decimals was accepted'); process.exit(1); }
    explain(err);
    console.log('node example: invalid request refused with its details');
    process.exit(0);
  });
}
stream.on('error', (err) => {
  if (err.code !== grpc.status.CANCELLED) { console.log('FAIL: ' + err.message); process.exit(1); }
});
