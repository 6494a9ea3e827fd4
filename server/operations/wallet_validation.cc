// The rules of the wallet operations.
#include "server/operations/validation_rules.h"

namespace barion_gateway::server {

absl::Status ValidateSendMoneyByEmail(const v1::SendMoneyByEmailRequest& r) {
  Violations v;
  if (r.source_account_id().empty()) {
    v.Add("source_account_id", "is required");
  } else if (!IsBarionGuid(r.source_account_id())) {
    v.Add("source_account_id", "must be Barion's account id: a GUID (GetAccounts' account_id)");
  }
  const int scale = BarionCurrencyScale(CurrencyCode(r.currency()));
  if (r.currency() == v1::CURRENCY_UNSPECIFIED || scale < 0) {
    v.Add("currency", "is required");
  } else {
    v.Check(ValidateAmount(r.amount(), scale, AmountSign::kPositive), "amount");
  }
  v.Required(r.target_email(), "target_email");
  CheckEmail(v, r.target_email(), "target_email");
  v.MaxLength(r.comment(), kMaxTransferCommentLength, "comment");
  return v.Result();
}

namespace {

bool IsAlpha3(absl::string_view country) {
  return country.size() == 3 &&
         std::all_of(country.begin(), country.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace

absl::Status ValidateSendBankTransfer(const v1::SendBankTransferRequest& r) {
  Violations v;
  const int scale = BarionCurrencyScale(CurrencyCode(r.currency()));
  if (r.currency() == v1::CURRENCY_UNSPECIFIED || scale < 0) {
    v.Add("currency", "is required");
  } else {
    v.Check(ValidateAmount(r.amount(), scale, AmountSign::kPositive), "amount");
  }
  v.MaxLength(r.comment(), kMaxBankTransferCommentLength, "comment");
  const v1::BankAccount& account = r.bank_account();
  if (!IsAlpha3(account.country())) {
    v.Add("bank_account.country", "must be an ISO 3166-1 alpha-3 country code (\"HUN\")");
  }
  if (account.format() == v1::BANK_ACCOUNT_FORMAT_UNSPECIFIED ||
      !v1::BankAccountFormat_IsValid(account.format())) {
    v.Add("bank_account.format", "is required");
  }
  v.RequiredMax(account.account_number(), kMaxBankAccountNumberLength,
                "bank_account.account_number");
  if (r.swift_code().empty()) {
    if (account.format() == v1::BANK_ACCOUNT_FORMAT_IBAN) {
      v.Add("swift_code", "is required for an IBAN account");
    }
  } else if ((r.swift_code().size() != 8 && r.swift_code().size() != 11) ||
             !std::all_of(r.swift_code().begin(), r.swift_code().end(),
                          [](char c) { return absl::ascii_isalnum(c); })) {
    v.Add("swift_code", "must be 8 or 11 letters and digits");
  }
  v.RequiredMax(r.recipient().name(), kMaxIdLength, "recipient.name");
  const v1::RecipientAddress& address = r.recipient().address();
  if (!address.country().empty() && !IsAlpha3(address.country())) {
    v.Add("recipient.address.country", "must be an ISO 3166-1 alpha-3 country code (\"HUN\")");
  }
  v.MaxLength(address.zip(), kMaxZipLength, "recipient.address.zip");
  return v.Result();
}

absl::Status ValidateDownloadStatement(const v1::DownloadStatementRequest& r) {
  Violations v;
  v.Range(r.year(), 2000, 9999, "year");
  v.Range(r.month(), 1, 12, "month");
  if (r.day() != 0) v.Range(r.day(), 1, 31, "day");
  if (r.currency() == v1::CURRENCY_UNSPECIFIED ||
      BarionCurrencyScale(CurrencyCode(r.currency())) < 0) {
    v.Add("currency", "is required");
  }
  return v.Result();
}

absl::Status ValidateGetHistory(const v1::GetHistoryRequest& r) {
  Violations v;
  v.Range(r.limit(), 0, 20, "limit");
  if (!r.last_visible_item_id().empty() && !IsBarionGuid(r.last_visible_item_id())) {
    v.Add("last_visible_item_id", "must be a history item's id (a GUID)");
  }
  if (r.currency() != v1::CURRENCY_UNSPECIFIED &&
      BarionCurrencyScale(CurrencyCode(r.currency())) < 0) {
    v.Add("currency", "is not a currency Barion supports");
  }
  return v.Result();
}

absl::Status ValidateGetHistoryItem(const v1::GetHistoryItemRequest& r) {
  Violations v;
  if (r.item_id().empty()) {
    v.Add("item_id", "is required");
  } else if (!IsBarionGuid(r.item_id())) {
    v.Add("item_id", "must be a history item's id (a GUID)");
  }
  return v.Result();
}

namespace {

// Barion's ShopCategory (docs/BARION.md §3).
constexpr absl::string_view kShopCategories[] = {"Agriculture",
                                                 "BookNewsPaper",
                                                 "Ad",
                                                 "BonusCoupon",
                                                 "Dating",
                                                 "Electronics",
                                                 "FashionClothes",
                                                 "FoodDrink",
                                                 "FurnitureAntiquity",
                                                 "GiftToyFlower",
                                                 "BeautyHealth",
                                                 "HomeDesignGarden",
                                                 "JobEducation",
                                                 "BuildingMaterialMachine",
                                                 "Baby",
                                                 "FilmMusic",
                                                 "Other",
                                                 "Pet",
                                                 "Property",
                                                 "Service",
                                                 "SportLeisureTravel",
                                                 "BettingGambling",
                                                 "Tobacco",
                                                 "Vehicle",
                                                 "WatchJewelry"};

void CheckContact(Violations& v, const v1::PosContact& c, const std::string& field,
                  bool name_required) {
  if (name_required) v.Required(c.name(), field + ".name");
  v.Required(c.email(), field + ".email");
  CheckEmail(v, c.email(), field + ".email");
  v.MaxLength(c.phone_number(), kMaxPhoneLength, field + ".phone_number");
}

}  // namespace

constexpr size_t kMaxLogoBytes = 3 << 20;
constexpr size_t kMaxCustomPageText = 10000;

absl::Status ValidateCreatePos(const v1::CreatePosRequest& r) {
  Violations v;
  v.RequiredMax(r.name(), kMaxShopNameLength, "name");
  v.Required(r.url(), "url");
  if (!r.url().empty() && !absl::StartsWith(r.url(), "https://")) {
    v.Add("url", "must be an https URL");
  }
  v.MaxLength(r.url(), kMaxUrlLength, "url");
  // Barion's docs mark the logo required; up to 10 MB there, 3 MiB here (a gRPC message is at
  // most 4 MiB, and base64 adds a third on the way to Barion).
  if (r.logo().empty()) v.Add("logo", "is required (the shop's logo image)");
  if (r.logo().size() > kMaxLogoBytes) v.Add("logo", "must be at most 3 MiB");
  v.MaxLength(r.custom_template(), kMaxCustomPageText, "custom_template");
  v.MaxLength(r.custom_css(), kMaxCustomPageText, "custom_css");
  if (r.description().size() < 20 || r.description().size() > 200) {
    v.Add("description", "must be 20 to 200 characters");
  }
  if (r.categories().empty()) v.Add("categories", "must name at least one category");
  for (int i = 0; i < r.categories_size(); ++i) {
    if (std::find(std::begin(kShopCategories), std::end(kShopCategories), r.categories(i)) ==
        std::end(kShopCategories)) {
      v.Add(At("", "categories", i), "is not one of Barion's shop categories");
    }
  }
  CheckContact(v, r.business_contact(), "business_contact", /*name_required=*/true);
  CheckContact(v, r.technical_contact(), "technical_contact", /*name_required=*/true);
  CheckContact(v, r.customer_service_contact(), "customer_service_contact",
               /*name_required=*/false);
  v.Required(r.customer_service_contact().phone_number(), "customer_service_contact.phone_number");
  const std::string currency = CurrencyCode(r.primary_currency());
  if (currency != "HUF" && currency != "CZK" && currency != "EUR" && currency != "USD") {
    v.Add("primary_currency", "must be HUF, CZK, EUR or USD");
  }
  v.Range(r.expected_turnover(), 1, 6, "expected_turnover");
  v.Range(r.average_basket_value(), 0, INT32_MAX, "average_basket_value");
  v.Range(r.percentage_of_b2b_customers(), 0, 100, "percentage_of_b2b_customers");
  v.Range(r.percentage_of_non_eu_cards(), 0, 100, "percentage_of_non_eu_cards");
  CheckCallbackUrl(v, r.callback_url(), "callback_url");
  v.MaxLength(r.callback_url(), kMaxUrlLength, "callback_url");
  return v.Result();
}

absl::Status ValidateGetPos(const v1::GetPosRequest& r) {
  Violations v;
  if (r.public_key().empty()) {
    v.Add("public_key", "is required");
  } else if (!IsBarionGuid(r.public_key())) {
    v.Add("public_key", "must be the shop's public key (a GUID)");
  }
  return v.Result();
}

}  // namespace barion_gateway::server
