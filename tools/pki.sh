# Sourced by tools/bench.sh and tests: make_pki DIR NAME=SUBJECT_ALT_NAMES...: a throwaway CA
# (DIR/ca.pem, DIR/ca-key.pem, EC P-256, one day) and, per argument, a certificate signed by it
# for server and client use (DIR/NAME.pem, DIR/NAME-key.pem), with the openssl command.
make_pki() {
  local dir="$1" spec name
  shift
  mkdir -p "$dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
    -subj /CN=test-ca -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" 2>/dev/null
  for spec in "$@"; do
    name=${spec%%=*}
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
      -keyout "$dir/$name-key.pem" -out "$dir/$name.csr" 2>/dev/null
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "${spec#*=}" \
      >"$dir/$name.ext"
    openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" \
      -CAcreateserial -days 1 -extfile "$dir/$name.ext" -out "$dir/$name.pem" 2>/dev/null
  done
}
