# Take a payment through barion-grpc-gateway, from Ruby (Debian's ruby-grpc 1.51).
#
# Starts a payment, plays the payer through the local sandbox's control API, waits on the
# payment-event stream until the payment has Succeeded, and shows the structured details of a
# request the gateway refuses. Stubs are generated from proto/ (nothing generated is committed):
#
#   grpc_tools_ruby_protoc -Iproto --ruby_out=gen --grpc_out=gen proto/barion/v1/types.proto \
#     proto/barion/v1/payment_service.proto proto/barion/v1/payment_event.proto
#
# Usage: ruby take_payment.rb GRPC_ADDRESS SANDBOX_HTTP_URL GENERATED_DIR
#
# Connection, as the gateway's callers need it (docs/SECURITY.md), from the environment:
# BARION_GATEWAY_CA (the CA of the gateway's certificate: TLS), BARION_GATEWAY_CERT and
# BARION_GATEWAY_KEY (a client certificate: mTLS), BARION_GATEWAY_SERVER_NAME (the name on the
# gateway's certificate, when not the address's host), BARION_GATEWAY_TOKEN_FILE (a bearer
# token). None set: plaintext, for a gateway on this machine without callers.
require 'net/http'
require 'uri'

$LOAD_PATH.unshift(ARGV.fetch(2))
require 'grpc'
require 'google/protobuf/well_known_types' # Any#unpack
require 'google/rpc/error_details_pb'
require 'google/rpc/status_pb'
require 'barion/v1/payment_event_services_pb'
require 'barion/v1/payment_service_services_pb'

V1 = Barion::V1

# The contents of the file the environment variable names, or nil when unset.
def read(variable)
  path = ENV[variable]
  path.nil? || path.empty? ? nil : File.binread(path)
end

# Channel credentials, channel arguments and per-call metadata, as the environment describes.
def connection
  token = read('BARION_GATEWAY_TOKEN_FILE')
  metadata = token ? { 'authorization' => "Bearer #{token.strip}" } : {}
  ca = read('BARION_GATEWAY_CA')
  cert = read('BARION_GATEWAY_CERT')
  key = read('BARION_GATEWAY_KEY')
  return [:this_channel_is_insecure, {}, metadata] unless ca || cert

  args = {}
  name = ENV['BARION_GATEWAY_SERVER_NAME']
  args[GRPC::Core::Channel::SSL_TARGET] = name unless name.nil? || name.empty?
  [GRPC::Core::ChannelCredentials.new(ca, key, cert), args, metadata]
end

def coffee(request_id, total)
  V1::StartPaymentRequest.new(
    payment_type: :PAYMENT_TYPE_IMMEDIATE, funding_sources: [:FUNDING_SOURCE_ALL],
    payment_request_id: request_id, currency: :CURRENCY_HUF,
    transactions: [V1::PaymentTransaction.new(
      pos_transaction_id: "#{request_id}-1", total: total,
      items: [V1::Item.new(name: 'Coffee', description: 'Flat white', quantity: '1', unit: 'cup',
                           unit_price: total, item_total: total)]
    )]
  )
end

# Prints what a refused call's status carries: its code, then each detail the gateway attached
# (branch on these, never on the message text).
def explain(error)
  puts "refused: #{error.class.name.split('::').last}: #{error.details}"
  status = error.to_rpc_status
  (status ? status.details : []).each do |any|
    if (bad = any.unpack(Google::Rpc::BadRequest))
      bad.field_violations.each { |v| puts "  bad field #{v.field}: #{v.description}" }
    elsif (info = any.unpack(Google::Rpc::ErrorInfo))
      puts "  reason #{info.reason} (#{info.domain}) #{info.metadata.to_h}"
    else
      puts "  detail #{any.type_url}"
    end
  end
end

address, sandbox = ARGV.fetch(0), ARGV.fetch(1)
credentials, channel_args, metadata = connection
payments = V1::PaymentService::Stub.new(address, credentials, channel_args: channel_args)
events = V1::PaymentEventService::Stub.new(address, credentials, channel_args: channel_args)

# 1. Subscribe first, so that no event is missed; the first message confirms the stream. A
#    thread reads the stream into a queue; the call's deadline ends the wait.
messages = Queue.new
subscription = events.subscribe_payment_events(
  V1::SubscribePaymentEventsRequest.new, deadline: Time.now + 60, metadata: metadata,
                                         return_op: true
)
reader = Thread.new do
  subscription.execute.each { |message| messages << message }
  messages << :end
rescue GRPC::BadStatus => e
  messages << e
end
first = messages.pop
abort("ruby example: no start heartbeat: #{first.inspect}") unless first.is_a?(V1::SubscribePaymentEventsResponse) && first.heartbeat

# 2. Start a payment of 1500 HUF, with a deadline of its own.
id = "example-ruby-#{Process.pid}"
begin
  started = payments.start_payment(coffee(id, '1500'), deadline: Time.now + 10, metadata: metadata)
rescue GRPC::BadStatus => e
  explain(e)
  abort('ruby example: StartPayment failed')
end
puts "started #{started.payment_id} pay at #{started.gateway_url}"

# 3. The payer pays (in real life: in the browser, at gateway_url).
paid = Net::HTTP.post(URI("#{sandbox}/_sandbox/payments/#{started.payment_id}/pay"), '{}',
                      'Content-Type' => 'application/json')
abort("ruby example: sandbox pay: #{paid.code}") unless paid.code == '200'

# 4. Wait for the Succeeded event of this payment.
loop do
  message = messages.pop
  abort("ruby example: no Succeeded event: #{message.inspect}") unless message.is_a?(V1::SubscribePaymentEventsResponse)
  event = message.event
  next if event.nil? || event.payment_id != started.payment_id

  puts "event #{event.cursor} #{event.snapshot.status} #{event.snapshot.total} #{event.snapshot.currency_raw}"
  next unless event.snapshot.status == :PAYMENT_STATUS_SUCCEEDED

  puts 'ruby example: payment succeeded'
  break
end
subscription.cancel
reader.join

# 5. A request the gateway refuses: forints have no decimals.
begin
  payments.start_payment(coffee("#{id}-bad", '1500.50'), deadline: Time.now + 10, metadata: metadata)
  abort('ruby example: a HUF amount with decimals was accepted')
rescue GRPC::InvalidArgument => e
  explain(e)
  puts 'ruby example: invalid request refused with its details'
end
