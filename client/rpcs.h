// The unary RPCs of the client library, listed once. Each list calls X(Stub, Method, Request,
// Response) per RPC, where Request and Response are messages of barion.v1 and Stub names the
// gRPC stub that serves it (payments_, events_, wallets_). Connection and WalletConnection (their
// virtual methods), PaymentClient and WalletClient (their calls), the gRPC connections and the
// mocks are all generated from these lists, so an RPC added here reaches every one of them. The
// streaming RPCs (SubscribePaymentEvents, DownloadStatement) are written out where they are used.
#ifndef BARION_GATEWAY_CLIENT_RPCS_H_
#define BARION_GATEWAY_CLIENT_RPCS_H_

// PaymentService and PaymentEventService: PaymentClient over Connection.
#define BARION_CLIENT_PAYMENT_RPCS(X)                                                              \
  X(payments_, StartPayment, StartPaymentRequest, StartPaymentResponse)                            \
  X(payments_, GetPaymentState, GetPaymentStateRequest, GetPaymentStateResponse)                   \
  X(payments_, FinishReservation, FinishReservationRequest, FinishReservationResponse)             \
  X(payments_, Capture, CaptureRequest, CaptureResponse)                                           \
  X(payments_, CancelAuthorization, CancelAuthorizationRequest, CancelAuthorizationResponse)       \
  X(payments_, Refund, RefundRequest, RefundResponse)                                              \
  X(payments_, Complete, CompleteRequest, CompleteResponse)                                        \
  X(payments_, GetPaymentQrCode, GetPaymentQrCodeRequest, GetPaymentQrCodeResponse)                \
  X(payments_, StartGooglePayPayment, StartGooglePayPaymentRequest, StartGooglePayPaymentResponse) \
  X(payments_, ValidateApplePaySession, ValidateApplePaySessionRequest,                            \
    ValidateApplePaySessionResponse)                                                               \
  X(payments_, StartApplePayPayment, StartApplePayPaymentRequest, StartApplePayPaymentResponse)    \
  X(events_, ListPaymentEvents, ListPaymentEventsRequest, ListPaymentEventsResponse)

// WalletService: WalletClient over WalletConnection.
#define BARION_CLIENT_WALLET_RPCS(X)                                               \
  X(wallets_, GetAccounts, GetAccountsRequest, GetAccountsResponse)                \
  X(wallets_, SendMoneyByEmail, SendMoneyByEmailRequest, SendMoneyByEmailResponse) \
  X(wallets_, SendBankTransfer, SendBankTransferRequest, SendBankTransferResponse) \
  X(wallets_, GetHistory, GetHistoryRequest, GetHistoryResponse)                   \
  X(wallets_, GetHistoryItem, GetHistoryItemRequest, GetHistoryItemResponse)       \
  X(wallets_, CreatePos, CreatePosRequest, CreatePosResponse)                      \
  X(wallets_, GetPos, GetPosRequest, GetPosResponse)

// A connection's virtual method of one RPC: UNIMPLEMENTED unless overridden, so that adding an
// RPC breaks no user's Connection.
#define BARION_CLIENT_CONNECTION_METHOD(Stub, Method, Request, Response)              \
  virtual absl::StatusOr<::barion::v1::Response> Method(const ::barion::v1::Request&, \
                                                        absl::Time /*deadline*/) {    \
    return UnimplementedRpc(#Method);                                                 \
  }

// A client's call of one RPC (retried as ClientOptions say).
#define BARION_CLIENT_CALL_DECLARATION(Stub, Method, Request, Response) \
  absl::StatusOr<::barion::v1::Response> Method(const ::barion::v1::Request& request);

#endif  // BARION_GATEWAY_CLIENT_RPCS_H_
