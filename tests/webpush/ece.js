// The test's own Web Push receiver keys and decryption: a second
// implementation of RFC 8291 (npm http_ece, as the web-push library uses),
// independent of the gateway's Rust crates.
//   node ece.js keys                        -> {"p256dh","auth","private"} (base64url)
//   node ece.js decrypt PRIVATE AUTH < body -> the plaintext
//   node ece.js vapid 'vapid t=..., k=...'  -> the JWT's claims, once its ES256
//                                              signature verified with k (RFC 8292)
'use strict';
const crypto = require('crypto');
const ece = require('http_ece');

const b64url = (buf) => Buffer.from(buf).toString('base64url');

const [command, privateKey, auth] = process.argv.slice(2);
if (command === 'keys') {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.generateKeys();
  process.stdout.write(JSON.stringify({
    p256dh: b64url(ecdh.getPublicKey()),
    auth: b64url(crypto.randomBytes(16)),
    private: b64url(ecdh.getPrivateKey()),
  }));
} else if (command === 'decrypt') {
  const chunks = [];
  process.stdin.on('data', (chunk) => chunks.push(chunk));
  process.stdin.on('end', () => {
    const ecdh = crypto.createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(privateKey, 'base64url'));
    const plain = ece.decrypt(Buffer.concat(chunks), {
      version: 'aes128gcm',
      privateKey: ecdh,
      authSecret: Buffer.from(auth, 'base64url'),
    });
    process.stdout.write(plain);
  });
} else if (command === 'vapid') {
  const match = /^vapid t=([^,]+), k=(.+)$/.exec(privateKey);
  if (!match) throw new Error('not a vapid Authorization header');
  const [header, claims, signature] = match[1].split('.');
  const point = Buffer.from(match[2], 'base64url');
  const key = crypto.createPublicKey({
    key: {kty: 'EC', crv: 'P-256', x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33))},
    format: 'jwk',
  });
  const signed = Buffer.from(`${header}.${claims}`);
  const sig = Buffer.from(signature, 'base64url');
  if (!crypto.verify('sha256', signed, {key, dsaEncoding: 'ieee-p1363'}, sig)) {
    throw new Error('the VAPID signature does not verify');
  }
  process.stdout.write(Buffer.from(claims, 'base64url'));
} else {
  console.error('usage: node ece.js keys | decrypt PRIVATE AUTH < body | vapid HEADER');
  process.exit(2);
}
