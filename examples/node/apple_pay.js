// The server side of an Apple Pay checkout through barion-grpc-gateway, from Node.js.
//
// A web shop's page runs Apple Pay JS; its server does two things, shown here:
//   1. onvalidatemerchant: the page gets a validationURL from Apple; the server asks Barion for a
//      merchant session (ValidateApplePaySession) and hands the JSON back to
//      session.completeMerchantValidation().
//   2. onpaymentauthorized: the page posts event.payment (Apple's token and the payer's shipping
//      and billing contacts) to the server, which starts the payment with StartApplePayPayment.
//      Barion requires both contacts: ask Apple Pay for them (requiredShippingContactFields and
//      requiredBillingContactFields on the ApplePayPaymentRequest).
// The charge is made at once: the answer says Succeeded or Failed. Here a recorded-shape
// event.payment stands in for the browser (the local sandbox takes any token; one whose data
// contains "decline" fails).
//
// Usage: node apple_pay.js GRPC_ADDRESS PROTO_DIR
// Connection: as take_payment.js (BARION_GATEWAY_CA, _CERT, _KEY, _SERVER_NAME, _TOKEN_FILE).
'use strict';
const fs = require('fs');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const read = (name) => (process.env[name] ? fs.readFileSync(process.env[name]) : null);
const [address, protoDir] = process.argv.slice(2);
const definition = protoLoader.loadSync(
    ['barion/v1/payment_service.proto'],
    {includeDirs: [protoDir], keepCase: true, enums: String, longs: String, defaults: true});
const barion = grpc.loadPackageDefinition(definition).barion.v1;
const ca = read('BARION_GATEWAY_CA');
const cert = read('BARION_GATEWAY_CERT');
const options = process.env.BARION_GATEWAY_SERVER_NAME ?
    {'grpc.ssl_target_name_override': process.env.BARION_GATEWAY_SERVER_NAME} : {};
const payments = new barion.PaymentService(
    address,
    ca || cert ? grpc.credentials.createSsl(ca, read('BARION_GATEWAY_KEY'), cert) :
                 grpc.credentials.createInsecure(),
    options);
const metadata = () => {
  const m = new grpc.Metadata();
  const token = read('BARION_GATEWAY_TOKEN_FILE');
  if (token) m.set('authorization', 'Bearer ' + token.toString().trim());
  return m;
};
const call = (method, request) => new Promise((resolve, reject) => {
  payments[method](request, metadata(), {deadline: new Date(Date.now() + 10000)},
                   (err, response) => (err ? reject(err) : resolve(response)));
});

// Apple Pay JS's ApplePayPaymentContact, in the gateway's ApplePayContact (Barion's names):
// address lines become one street line; locality the city; administrativeArea the state.
function contact(c) {
  if (!c) return undefined;  // the gateway then names the missing contact
  return {
    given_name: c.givenName || '',
    family_name: c.familyName || '',
    email_address: c.emailAddress || '',
    phone_number: (c.phoneNumber || '').replace(/[^0-9]/g, ''),
    postal_address: {
      street: (c.addressLines || []).join(', '),
      city: c.locality || '',
      postal_code: c.postalCode || '',
      state: c.administrativeArea || '',
      country: c.country || '',
      iso_country_code: (c.countryCode || '').toUpperCase(),
    },
  };
}

// Apple Pay JS's ApplePayPaymentToken, as the gateway's ApplePayToken.
function token(t) {
  const d = t.paymentData;
  return {
    transaction_identifier: t.transactionIdentifier,
    payment_data: {
      data: d.data, signature: d.signature, version: d.version,
      header: {ephemeral_public_key: d.header.ephemeralPublicKey,
               public_key_hash: d.header.publicKeyHash, transaction_id: d.header.transactionId},
    },
  };
}

// The order the page's ApplePayPaymentRequest showed (total 4,100 HUF).
function order(id) {
  return {
    payment_type: 'PAYMENT_TYPE_IMMEDIATE',
    payment_request_id: id,
    currency: 'CURRENCY_HUF',
    transactions: [{
      pos_transaction_id: id + '-1', total: '4100',
      items: [{name: 'Tea', description: 'Green tea, 100 g', quantity: '1', unit: 'box',
               unit_price: '4100', item_total: '4100'}],
    }],
  };
}

// What onpaymentauthorized's event.payment looks like (the token's values shortened).
const applePayment = {
  token: {
    transactionIdentifier: '8D3C3A0C24E1F3',
    paymentMethod: {displayName: 'Visa 1234', network: 'Visa', type: 'debit'},
    paymentData: {
      version: 'EC_v1', data: 'bmV0d29ya0RhdGE=', signature: 'MIAGCSqGSIb3DQEHAqCAMIACAQE',
      header: {ephemeralPublicKey: 'MFkwEwYHKoZIzj0CAQ', publicKeyHash: 'LbsUwAT6w1JV9tFXocU813TCHks',
               transactionId: '8d3c3a0c24e1f3'},
    },
  },
  shippingContact: {
    givenName: 'Anna', familyName: 'Kiss', emailAddress: 'anna@example.com',
    phoneNumber: '+36 70 123 1234', addressLines: ['Andrássy út 1', '2. emelet'],
    locality: 'Budapest', postalCode: '1061', administrativeArea: '', country: 'Hungary',
    countryCode: 'hu',
  },
  billingContact: {
    givenName: 'Anna', familyName: 'Kiss', addressLines: ['Andrássy út 1'], locality: 'Budapest',
    postalCode: '1061', country: 'Hungary', countryCode: 'HU',
  },
};

async function main() {
  // 1. Merchant validation.
  const session = await call('ValidateApplePaySession', {
    session_request_url: 'https://apple-pay-gateway.apple.com/paymentservices/startSession',
    shop_url: 'https://shop.example/checkout',
  });
  console.log('merchant session for completeMerchantValidation:',
              session.merchant_session_json.length, 'bytes of JSON');

  // 2. The payment, from event.payment.
  const id = `example-apple-${process.pid}`;
  const started = await call('StartApplePayPayment', {
    payment: order(id),
    token: token(applePayment.token),
    shipping_contact: contact(applePayment.shippingContact),
    billing_contact: contact(applePayment.billingContact),
  });
  console.log('started', started.payment_id, started.status);
  if (started.status !== 'PAYMENT_STATUS_SUCCEEDED') process.exit(1);
  console.log('apple pay example: payment succeeded');  // then: session.completePayment(SUCCESS)

  // 3. Without the contacts Barion requires, the gateway refuses before Barion, naming them.
  try {
    await call('StartApplePayPayment',
               {payment: order(id + '-bad'), token: token(applePayment.token)});
    console.log('FAIL: a start without contacts was accepted');
    process.exit(1);
  } catch (err) {
    console.log(`refused: ${grpc.status[err.code]}: ${err.details}`);
    console.log('apple pay example: missing contacts refused');
  }
}

main().catch((err) => {
  console.log('FAIL: ' + err.message);
  process.exit(1);
});
