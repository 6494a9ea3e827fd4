// What the audit log records of each call besides who called, the method and how it ended: the
// shop or wallet, the payment, the amounts and the currency, read from the request (and the
// answer, for a new payment's id). One overload per request type (docs/SECURITY.md#audit-log).
#ifndef BARION_GATEWAY_SERVER_RPC_AUDIT_SUBJECT_H_
#define BARION_GATEWAY_SERVER_RPC_AUDIT_SUBJECT_H_

#include <string>
#include <vector>

#include "barion/v1/payment_service.pb.h"
#include "barion/v1/wallet_service.pb.h"

namespace barion_gateway::server {

struct AuditSubject {
  std::string shop;
  std::string wallet;
  std::string webhook_endpoint;
  std::string payment_id;
  std::string payment_request_id;
  std::vector<std::string> amounts;
  std::string currency;
};

AuditSubject AuditSubjectOf(const barion::v1::StartPaymentRequest& request,
                            const std::string& payment_id);
AuditSubject AuditSubjectOf(const barion::v1::FinishReservationRequest& request);
AuditSubject AuditSubjectOf(const barion::v1::CaptureRequest& request);
AuditSubject AuditSubjectOf(const barion::v1::CancelAuthorizationRequest& request);
AuditSubject AuditSubjectOf(const barion::v1::RefundRequest& request);
AuditSubject AuditSubjectOf(const barion::v1::CompleteRequest& request);
AuditSubject AuditSubjectOf(const barion::v1::SendMoneyByEmailRequest& request);
AuditSubject AuditSubjectOf(const barion::v1::SendBankTransferRequest& request);
AuditSubject AuditSubjectOf(const barion::v1::CreatePosRequest& request);
AuditSubject AuditSubjectOf(const barion::v1::DownloadStatementRequest& request);
// Reads: what they name.
AuditSubject AuditSubjectOf(const barion::v1::GetPaymentStateRequest& request);
AuditSubject AuditSubjectOf(const barion::v1::GetPaymentQrCodeRequest& request);
AuditSubject AuditSubjectOf(const barion::v1::ValidateApplePaySessionRequest& request);
AuditSubject AuditSubjectOf(const barion::v1::GetAccountsRequest& request);
AuditSubject AuditSubjectOf(const barion::v1::GetHistoryRequest& request);
AuditSubject AuditSubjectOf(const barion::v1::GetHistoryItemRequest& request);
AuditSubject AuditSubjectOf(const barion::v1::GetPosRequest& request);

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_RPC_AUDIT_SUBJECT_H_
