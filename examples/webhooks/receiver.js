// A webhook receiver for barion-grpc-gateway in Node.js, verifying each delivery with the npm
// package `standardwebhooks` (the Standard Webhooks group's own library): the signature over
// webhook-id, webhook-timestamp and the raw body, and a timestamp at most 5 minutes off.
//
// Usage: WEBHOOK_SECRET=whsec_... node receiver.js PORT
// Each verified event is printed as one JSON line; a delivery that does not verify gets 400 and
// is printed as "rejected: <why>". Answer 2xx only once the event is safely handled: the gateway
// retries anything else, with the same webhook-id (deduplicate on it).
'use strict';
const http = require('http');
const {Webhook} = require('standardwebhooks');

const webhook = new Webhook(process.env.WEBHOOK_SECRET);
const seen = new Set();  // webhook-ids handled (a real receiver keeps them in its database)

const server = http.createServer((req, res) => {
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size > 1 << 20) req.destroy();  // bound what a sender can make us hold
    chunks.push(c);
  });
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    let event;
    try {
      event = webhook.verify(body, req.headers);  // throws when the signature or time is wrong
    } catch (err) {
      console.log(`rejected: ${err.message}`);
      res.writeHead(400).end();
      return;
    }
    const id = req.headers['webhook-id'];
    if (!seen.has(id)) {
      seen.add(id);
      const data = event.data || {};
      console.log(JSON.stringify({
        id, type: event.type, cursor: data.cursor, paymentId: data.paymentId,
        status: data.snapshot && data.snapshot.status,
      }));
    }
    res.writeHead(204).end();
  });
});
server.listen(Number(process.argv[2]), '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
