# Writes fuzz/seeds/TARGET from the tests' string literals and a few hand-made frames (run by hand when the tests change; the seeds are checked in).
import re, os, hashlib, json
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
def lits(path):
    src = open(os.path.join(root, path)).read()
    # Rust string literals, with line continuations joined.
    out = []
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"', src, re.S):
        s = m.group(1)
        s = re.sub(r'\\\n\s*', '', s)
        s = s.replace('\\"', '"').replace('\\n', '\n').replace('\\r', '\r').replace('\\\\', '\\')
        out.append(s)
    return out
def put(target, data):
    d = os.path.join(root, 'fuzz/seeds', target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str): data = data.encode()
    name = hashlib.sha1(data).hexdigest()[:16]
    open(os.path.join(d, name), 'wb').write(data)
# stanzas
n = 0
for p in ['gateway/src/xmpp/xep/inbound/tests.rs','gateway/src/xmpp/xep/invitation.rs','gateway/src/xmpp/xep/mds.rs','gateway/src/xmpp/xep/muc.rs']:
    for s in lits(p):
        if s.lstrip().startswith(('<message','<presence','<iq')):
            s = s.replace('{from}', 'stranger@elsewhere/r')
            if '{' in s: continue
            put('stanza_inbound', s); n += 1
            # the same from a stranger
            s2 = re.sub(r"from='[^']*'", "from='mallory@evil.example/x'", s, count=1)
            if s2 != s: put('stanza_inbound', s2); n += 1
put('stanza_inbound', b"\x01bob@localhost/phone\0hello there\0c-1")
print('stanza', n)
# SIP: trust byte, From, PAI values
for trust, frm, pai in [
    (0, '"Alice" <sip:447400123456@127.0.0.2>;tag=1', ['<sip:+442079460123@trunk>']),
    (1, '"Alice" <sip:+447400123456@trunk>;tag=2', ['"Dave" <sip:+442079460123@trunk;user=phone>, <tel:+442079460123>']),
    (1, '<sip:+447400123456@trunk>;tag=3', ['<tel:+447400123456>']),
    (1, '<sip:+447400123456@trunk>', ['garbage', '<tel:not-a-number>']),
    (0, '"FREE\u0000PRIZE call\u202e now" <sip:bob@127.0.0.1:5060>;tag=x', []),
    (0, 'sip:bob@127.0.0.1:5060', []),
]:
    put('sip_invite', bytes([trust]) + '\0'.join([frm] + pai).encode())
put('sip_invite', b'\x02Digest username="trunk", realm="splitline", nonce="abc", uri="sip:x@y", response="00112233445566778899aabbccddeeff", algorithm=MD5')
put('sip_invite', b'\x02Digest username="trunk", realm="splitline", nonce="", uri="sip:x@y", response=""\0Digest realm="other"')
# SDP
put('sdp', "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 16000 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\n")
put('sdp', "v=0\no=alice 2890844526 2890844526 IN IP4 host.example\ns=\nc=IN IP4 192.0.2.1\nt=0 0\nm=audio 49170 RTP/AVP 0 101\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15\nm=video 51372 RTP/AVP 31\n")
put('sdp', "m=\r\nm=audio\r\no=\r\n")
# numbers: region byte (0 GB,1 DE,2 FR,3 US,4 IN,5 CU), style byte, number
for region, style, num in [(0,0,'07400 123456'),(0,0x41,'+44 20 7946 0958'),(1,0x82,'030 123456'),(3,0x3,'(201) 555-0123'),
    (0,0,'+881 6 1234 5678'),(0,0,'09065 123456'),(5,0,'+53 5 1234567'),(0,0xc0,'+252 61 1234567'),(2,0,'06 12 34 56 78'),(4,0,'+91 98765 43210'),(0,0,'０７４００ １２３４５６')]:
    put('number_policy', bytes([region, style]) + num.encode())
# JSON bodies
for body in [
    {"client_id": "c-1", "to": "bob@localhost", "body": "hello"},
    {"jid": "alice@localhost", "password": "pw", "device_id": "phone-1", "build_id": "0.1.0"},
    {"jid": "bob@localhost", "name": "Bob"},
    {"availability": "away", "status": "on a train"},
    {"name": "Team", "members": ["bob@localhost", "carol@localhost"]},
    {"jid": "dave@localhost"},
    {"markers": [{"peer": "bob@localhost", "network_id": "n-1", "archive_id": "a-1"}]},
]:
    put('request_json', json.dumps(body))
put('request_json', '{"client_id": "c-1", "to": " Bob@LOCALHOST ", "body": "\\u0000\\ud83d\\ude00"}')
# event log ops: op byte, arg byte
put('event_log', bytes([0,1, 0,2, 2,0, 1,5, 3,0, 2,1, 0,200, 4,3, 2,0, 3,1]))
put('event_log', bytes([0,255]*20 + [2,0, 3,0, 2,0]))
# core answers: frames separated by NUL: op byte + payload
msg = lambda frm, to, nid, aid=None, room=None, body="hi": {k: v for k, v in {"network_id": nid, "archive_id": aid, "room": room, "from": frm, "to": to, "body": body, "timestamp_ms": 5}.items() if v is not None}
frames = [
    b'qhello',
    b'q\x01to carol',
    b'e' + json.dumps([{"seq": 1, "event": {"type": "message_received", "message": msg("bob@localhost", "me@localhost", "n-1", "a-1")}},
                           {"seq": 2, "event": {"type": "message_sent_elsewhere", "message": msg("me@localhost", "bob@localhost", "c-0", "a-2")}}]).encode(),
    b'p' + json.dumps({"messages": [{"outgoing": True, "message": msg("me@localhost", "carol@localhost", "c-1", "a-3")}], "last": "a-3", "complete": True}).encode(),
    b'r' + json.dumps({"messages": [{"outgoing": False, "message": msg("bob@localhost", "room@conference.localhost", "r-1", "ra-1", "room@conference.localhost")}], "last": "ra-1", "complete": False}).encode(),
    b's\x02net-1',
    b'x',
    b'f\x01',
]
put('core_answers', b'\x00'.join(frames))
put('core_answers', b'\x00'.join([b'q\x03a', b'q\x01b', b's\x01n', b'x', b's\x02n']))
