// Take a payment through barion-grpc-gateway, from Node.js (npm @grpc/grpc-js and
// @grpc/proto-loader; the protos are loaded at run time from proto/).
//
// Starts a payment, plays the payer through the local sandbox's control API, and waits on the
// payment-event stream until the payment has Succeeded.
//
// Usage: node take_payment.js GRPC_ADDRESS SANDBOX_HTTP_URL PROTO_DIR
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

const [address, sandbox, protoDir] = process.argv.slice(2);
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
    process.exit(0);
  }
});
stream.on('error', (err) => {
  if (err.code !== grpc.status.CANCELLED) { console.log('FAIL: ' + err.message); process.exit(1); }
});
