// A Node.js subscriber with @grpc/grpc-js and @grpc/proto-loader (protos loaded at run time from
// proto/): it subscribes, sees a payment succeed, disconnects, misses two payments, resumes after
// its cursor and receives exactly what it missed, in order.
//
// Usage: node node_subscriber.js GRPC_ADDRESS SANDBOX_HTTP_URL PROTO_DIR
'use strict';
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const http = require('http');

const [address, sandbox, protoDir] = process.argv.slice(2);
const definition = protoLoader.loadSync(
    ['barion/v1/payment_service.proto', 'barion/v1/payment_event.proto'],
    {includeDirs: [protoDir], keepCase: true, enums: String, longs: String, defaults: true});
const barion = grpc.loadPackageDefinition(definition).barion.v1;
const payments = new barion.PaymentService(address, grpc.credentials.createInsecure());
const events = new barion.PaymentEventService(address, grpc.credentials.createInsecure());

function fail(message) {
  console.log('FAIL: ' + message);
  process.exit(1);
}

function deadline(seconds) {
  return {deadline: new Date(Date.now() + seconds * 1000)};
}

function startPayment(n) {
  return new Promise((resolve, reject) => {
    payments.StartPayment(
        {
          payment_type: 'PAYMENT_TYPE_IMMEDIATE',
          funding_sources: ['FUNDING_SOURCE_ALL'],
          payment_request_id: 'node-' + n,
          currency: 'CURRENCY_EUR',
          transactions: [{
            pos_transaction_id: 'node-tx-' + n,
            total: '12.30',
            items: [{
              name: 'Book', description: 'A book', quantity: '1', unit: 'piece',
              unit_price: '12.30', item_total: '12.30',
            }],
          }],
        },
        deadline(10), (err, response) => (err ? reject(err) : resolve(response.payment_id)));
  });
}

function pay(paymentId) {
  return new Promise((resolve, reject) => {
    const req = http.request(
        `${sandbox}/_sandbox/payments/${paymentId}/pay`,
        {method: 'POST', headers: {'Content-Type': 'application/json'}}, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(
              new Error('pay: HTTP ' + res.statusCode))));
        });
    req.on('error', reject);
    req.end('{}');
  });
}

// A subscription whose events (heartbeats skipped) are taken one at a time with next().
function subscribe(request) {
  const call = events.SubscribePaymentEvents(request, deadline(60));
  const queue = [];
  const waiters = [];
  let ended = null;
  call.on('data', (message) => {
    const item = message.heartbeat ? {heartbeat: message.heartbeat} : {event: message.event};
    if (waiters.length) waiters.shift()(item); else queue.push(item);
  });
  call.on('error', (err) => {
    ended = err;
    while (waiters.length) waiters.shift()({end: err});
  });
  call.on('end', () => {
    ended = ended || new Error('end');
    while (waiters.length) waiters.shift()({end: ended});
  });
  const take = () => new Promise((resolve) => {
    if (queue.length) resolve(queue.shift());
    else if (ended) resolve({end: ended});
    else waiters.push(resolve);
  });
  return {
    call,
    async hello() {
      const first = await take();
      if (!first.heartbeat) fail('the first message is not the start heartbeat');
      return first.heartbeat.cursor;
    },
    async next() {
      for (;;) {
        const item = await take();
        if (item.end) fail('stream ended: ' + item.end.message);
        if (item.event) return item.event;
      }
    },
  };
}

function listAfter(cursor) {
  return new Promise((resolve, reject) => {
    events.ListPaymentEvents({after_cursor: cursor}, deadline(10),
                             (err, response) => (err ? reject(err) : resolve(response.events)));
  });
}

async function main() {
  const first = subscribe({shop: 'demo'});
  await first.hello();
  const p1 = await startPayment(1);
  await pay(p1);
  const e1 = await first.next();
  if (e1.payment_id !== p1) fail('first event is for ' + e1.payment_id);
  if (e1.snapshot.status !== 'PAYMENT_STATUS_SUCCEEDED') fail('status ' + e1.snapshot.status);
  if (e1.snapshot.total !== '12.30') fail('total ' + e1.snapshot.total);
  const cursor = e1.cursor;
  first.call.cancel();  // the subscriber goes away

  const missed = [];
  for (const n of [2, 3]) {
    const id = await startPayment(n);
    await pay(id);
    missed.push(id);
  }
  // Wait until the gateway has recorded both (callbacks are asynchronous).
  for (let i = 0; i < 200 && (await listAfter(cursor)).length < 2; ++i) {
    await new Promise((r) => setTimeout(r, 50));
  }

  const resumed = subscribe({after_cursor: cursor});
  if ((await resumed.hello()) !== cursor) fail('resumed at another cursor');
  const got = [await resumed.next(), await resumed.next()];
  if (got.map((e) => e.payment_id).join() !== missed.join()) {
    fail('after resuming: ' + got.map((e) => e.payment_id) + ', expected ' + missed);
  }
  if (!(BigInt(cursor) < BigInt(got[0].cursor) && BigInt(got[0].cursor) < BigInt(got[1].cursor))) {
    fail('cursors not increasing: ' + cursor + ' ' + got.map((e) => e.cursor));
  }
  // And live again: a new payment arrives on the resumed stream.
  const p4 = await startPayment(4);
  await pay(p4);
  const e4 = await resumed.next();
  if (e4.payment_id !== p4) fail('live event after resuming is for ' + e4.payment_id);
  resumed.call.cancel();
  console.log('node subscriber: resumed after ' + cursor + ' and received the 2 missed events');
  process.exit(0);
}

main().catch((err) => fail(err.stack || String(err)));
