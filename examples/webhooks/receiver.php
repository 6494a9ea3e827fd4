<?php
// A webhook receiver for barion-grpc-gateway in PHP (Debian's php8.2-cli, no extension needed),
// verifying Standard Webhooks signatures with hash_hmac and hash_equals.
//
// Run: WEBHOOK_SECRET=whsec_... WEBHOOK_LOG=/tmp/events.jsonl php -S 127.0.0.1:8000 receiver.php
// Each verified event is appended to WEBHOOK_LOG as one JSON line; a delivery that does not
// verify gets 400 (and a "rejected" line). Answer 2xx only once the event is safely handled:
// the gateway retries anything else, with the same webhook-id (deduplicate on it).

function verify(string $secret, string $id, string $timestamp, string $signatures,
                string $body): ?string {
    if (strncmp($secret, 'whsec_', 6) !== 0) return 'the secret is not in whsec_ form';
    $key = base64_decode(substr($secret, 6), true);
    if ($key === false) return 'the secret is not base64';
    if (!ctype_digit($timestamp) || abs(time() - (int)$timestamp) > 300) {
        return 'timestamp too old or too new';
    }
    $expected = base64_encode(hash_hmac('sha256', "$id.$timestamp.$body", $key, true));
    // "v1,<sig> v1,<sig>": one per key during a rotation; any may match.
    foreach (explode(' ', $signatures) as $candidate) {
        [$version, $signature] = array_pad(explode(',', $candidate, 2), 2, '');
        if ($version === 'v1' && hash_equals($expected, $signature)) return null;
    }
    return 'no matching signature';
}

$log = getenv('WEBHOOK_LOG') ?: 'php://stdout';
$body = file_get_contents('php://input', false, null, 0, 1 << 20);
$id = $_SERVER['HTTP_WEBHOOK_ID'] ?? '';
$why = verify(getenv('WEBHOOK_SECRET') ?: '', $id, $_SERVER['HTTP_WEBHOOK_TIMESTAMP'] ?? '',
              $_SERVER['HTTP_WEBHOOK_SIGNATURE'] ?? '', $body);
if ($why !== null) {
    file_put_contents($log, json_encode(['rejected' => $why]) . "\n", FILE_APPEND | LOCK_EX);
    http_response_code(400);
    exit;
}
$event = json_decode($body, true);
$data = $event['data'] ?? [];
file_put_contents($log, json_encode([
    'id' => $id, 'type' => $event['type'] ?? null, 'cursor' => $data['cursor'] ?? null,
    'paymentId' => $data['paymentId'] ?? null, 'status' => $data['snapshot']['status'] ?? null,
]) . "\n", FILE_APPEND | LOCK_EX);
http_response_code(204);
