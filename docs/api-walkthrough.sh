#!/usr/bin/env bash
# The whole SOP path through the API with curl, one user per role, on the demo data (make run).
# Usage: bash docs/api-walkthrough.sh [base-url]
set -u
B=${1:-http://127.0.0.1:8000}/api/v1
TMP=$(mktemp)
trap 'rm -f "$TMP"' EXIT
tok() { curl -s -X POST $B/auth/token/ -d username=$1 -d password=treckk-demo-2026 | python3 -c 'import json,sys;print(json.load(sys.stdin)["token"])'; }
OP=$(tok operator); KASI=$(tok kasi); KABID=$(tok kabid); TRC=$(tok trc-paringin); KEP=$(tok kepala)
act() { # token code action json
  curl -s -o "$TMP" -w "%{http_code}" -H "Authorization: Token $1" -H 'Content-Type: application/json' -d "$4" $B/complaints/$2/actions/$3/
  echo " $3 -> $(python3 -c 'import json,sys;d=json.load(open(sys.argv[1]));print(d.get("status"), d.get("outcome",""), d.get("code",""), d.get("detail",""), d.get("errors",""))' "$TMP" 2>/dev/null)"
}
CODE=$(curl -s -H "Authorization: Token $OP" -H 'Content-Type: application/json' -d '{"category":"keributan","description":"Pemuda mabuk ribut di depan Pasar Paringin","district":"paringin","channel_kind":"walk_in","reporter":{"name":"Rahmat","phone":"081234567890","allow_field_contact":true}}' $B/complaints/ | python3 -c 'import json,sys;d=json.load(sys.stdin);print(d["code"])')
echo "created $CODE"
act $OP $CODE accept '{}'
act $OP $CODE forward '{"note":"trantibum"}'
act $KASI $CODE submit_draft '{"draft":"Konsep: keributan, cek lapangan"}'
act $TRC $CODE confirm '{}'
act $KABID $CODE assign '{"team":"trc-paringin"}'
act $TRC $CODE arrive '{}'
act $TRC $CODE handle '{"note":"dibubarkan"}'
act $TRC $CODE report '{"findings":"5 pemuda mabuk","action_taken":"pembinaan","result":"warned"}'
act $KABID $CODE endorse '{"note":"lokasi rawan"}'
act $KEP $CODE acknowledge '{}'
act $OP $CODE informed '{"note":"ditelepon"}'
echo "--- refused cases"
act $KASI $CODE forward '{}'
act $OP $CODE forward '{}'
C2=$(curl -s -H "Authorization: Token $OP" -H 'Content-Type: application/json' -d '{"category":"pkl","description":"PKL di trotoar","district":"halong","anonymous":true}' $B/complaints/ | python3 -c 'import json,sys;print(json.load(sys.stdin)["code"])')
echo "--- refute path on $C2"
act $OP $C2 accept '{"anonymous":true}'
act $OP $C2 forward '{}'
act $KASI $C2 submit_draft '{"draft":"cek"}'
act $TRC $C2 confirm '{}'
act $(tok trc-halong) $C2 refute '{}'
act $(tok trc-halong) $C2 refute '{"note":"tidak ada PKL di lokasi"}'
act $KASI $C2 return '{"reason":"not_authority"}'
act $KASI $C2 return '{"reason":"not_authority","agency":"Dinas Perdagangan"}'
C3=$(curl -s -H "Authorization: Token $OP" -H 'Content-Type: application/json' -d '{"category":"mabuk","description":"x","district":"juai","anonymous":true}' $B/complaints/ | python3 -c 'import json,sys;print(json.load(sys.stdin)["code"])')
echo "--- return at screening on $C3, stale version"
act $OP $C3 accept '{"anonymous":true,"version":1}'
act $OP $C3 return '{"reason":"incomplete","version":1}'
act $OP $C3 return '{"reason":"incomplete","version":2}'
curl -s -H "Authorization: Token $TRC" $B/complaints/$C2/ -o /dev/null -w "trc-paringin GET halong case: %{http_code}\n"
curl -s -H "Authorization: Token $KABID" $B/complaints/$CODE/ | python3 -c 'import json,sys;d=json.load(sys.stdin);print("kabid sees reporter:", d["reporter"])'
curl -s -H "Authorization: Token $OP" "$B/complaints/$CODE/events/" | python3 -c 'import json,sys;d=json.load(sys.stdin);print([ (e["action"],e["actor_role"],e["to_status"]) for e in d["results"]])'
curl -s $B/complaints/ -w " unauth:%{http_code}\n" | tail -c 200
