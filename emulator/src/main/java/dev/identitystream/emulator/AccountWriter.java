package dev.identitystream.emulator;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Writes one {@code AccountIdentityDocumentUpload} object: balances, owners, the uploaded bank
 * statement with its metadata and risk insights, and the verification fields of the Item's Auth
 * method. Everything is drawn from the generator passed in, so the same seed writes the same bytes.
 */
final class AccountWriter {

  /** The account holder(s) of an Item, shared by its accounts. */
  record Holder(
      List<String> names,
      List<String> phones,
      List<String> emails,
      String street,
      FakeData.Place place) {}

  private record Kind(String type, String subtype, String name, String officialName) {}

  private static final List<Kind> DEPOSITORY =
      List.of(
          new Kind(
              "depository",
              "checking",
              "Plaid Checking",
              "Plaid Gold Standard 0% Interest Checking"),
          new Kind(
              "depository",
              "savings",
              "Plaid Saving",
              "Plaid Silver Standard 0.1% Interest Saving"),
          new Kind(
              "depository",
              "money market",
              "Plaid Money Market",
              "Plaid Platinum Standard 1.85% Interest Money Market"),
          new Kind("depository", "cd", "Plaid CD", "Plaid Bronze Standard 0.2% Interest CD"));
  private static final Kind CREDIT =
      new Kind(
          "credit",
          "credit card",
          "Plaid Credit Card",
          "Plaid Diamond 12.5% APR Interest Credit Card");
  private static final Kind UNKNOWN_SUBTYPE =
      new Kind("depository", "hyper savings", "Plaid Hyper Saving", null);

  private final JsonGenerator g;
  private final Mix64 random;
  private final ItemProfile item;

  AccountWriter(JsonGenerator g, Mix64 random, ItemProfile item) {
    this.g = g;
    this.random = random;
    this.item = item;
  }

  /** Writes the account object and returns nothing; the id is chosen by the caller. */
  void write(String accountId, Holder holder) throws IOException {
    Kind kind = chooseKind();
    String documentId = random.chance(0.9) ? PlaidIds.uuid(random) : null;
    g.writeStartObject();
    g.writeStringField("account_id", accountId);
    writeBalances(kind);
    g.writeStringField(
        "mask", String.format(java.util.Locale.ROOT, "%04d", random.nextInt(10_000)));
    g.writeStringField("name", kind.name());
    writeNullableString("official_name", random.chance(0.8) ? kind.officialName() : null);
    g.writeStringField("type", kind.type());
    g.writeStringField("subtype", kind.subtype());
    g.writeStringField("holder_category", "personal");
    writeVerification(holder);
    if (random.chance(0.3)) {
      g.writeStringField("persistent_account_id", TokenKey.of(accountId).hex());
    }
    if (item.unknownFields()) {
      g.writeNumberField("apy", 4.25);
      g.writeObjectFieldStart("emulator_future_account_field");
      g.writeStringField("note", "unknown to the 2020-09-14 spec; clients must keep or ignore it");
      g.writeEndObject();
    }
    g.writeArrayFieldStart("owners");
    writeOwner(holder, documentId);
    g.writeEndArray();
    writeDocuments(documentId);
    g.writeEndObject();
  }

  private Kind chooseKind() {
    if (item.unknownFields()) {
      return UNKNOWN_SUBTYPE;
    }
    return random.chance(0.1) ? CREDIT : random.pick(DEPOSITORY);
  }

  private void writeBalances(Kind kind) throws IOException {
    double current = cents(random.nextDouble() * 25_000);
    g.writeObjectFieldStart("balances");
    if (kind == CREDIT) {
      double limit = 500.0 * random.between(2, 40);
      current = cents(random.nextDouble() * limit);
      g.writeNumberField("available", cents(limit - current));
      g.writeNumberField("current", current);
      g.writeNumberField("limit", limit);
    } else {
      g.writeNumberField("available", cents(current - random.nextDouble() * 200));
      g.writeNumberField("current", current);
      g.writeNullField("limit");
    }
    g.writeStringField("iso_currency_code", "USD");
    g.writeNullField("unofficial_currency_code");
    g.writeEndObject();
  }

  private void writeVerification(Holder holder) throws IOException {
    if (item.unknownFields()) {
      g.writeStringField("verification_status", "pending_emulator_future_state");
      return;
    }
    switch (item.authMethod()) {
      case "SAME_DAY_MICRODEPOSITS", "INSTANT_MICRODEPOSITS" -> {
        g.writeStringField("verification_status", "manually_verified");
        g.writeStringField("verification_name", holder.names().get(0));
      }
      case "DATABASE_INSIGHTS" -> {
        g.writeStringField("verification_status", "database_insights_pass");
        g.writeStringField("verification_name", holder.names().get(0));
        g.writeObjectFieldStart("verification_insights");
        g.writeNumberField("name_match_score", random.between(70, 100));
        g.writeObjectFieldStart("network_status");
        g.writeBooleanField("has_numbers_match", true);
        g.writeBooleanField("is_numbers_match_verified", random.chance(0.7));
        g.writeEndObject();
        g.writeObjectFieldStart("previous_returns");
        g.writeBooleanField("has_previous_administrative_return", random.chance(0.05));
        g.writeEndObject();
        g.writeStringField("account_number_format", "valid");
        g.writeEndObject();
      }
      default -> {
        // Instant Auth: Plaid leaves the micro-deposit fields out.
      }
    }
  }

  private void writeOwner(Holder holder, String documentId) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("names");
    for (String name : holder.names()) {
      g.writeString(name);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("phone_numbers");
    for (int i = 0; i < holder.phones().size(); i++) {
      g.writeStartObject();
      g.writeStringField("data", holder.phones().get(i));
      g.writeBooleanField("primary", i == 0);
      g.writeStringField("type", item.unknownFields() ? "satellite" : i == 0 ? "mobile" : "home");
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("emails");
    for (int i = 0; i < holder.emails().size(); i++) {
      g.writeStartObject();
      g.writeStringField("data", holder.emails().get(i));
      g.writeBooleanField("primary", i == 0);
      g.writeStringField("type", i == 0 ? "primary" : "secondary");
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("addresses");
    g.writeStartObject();
    g.writeObjectFieldStart("data");
    g.writeStringField("city", holder.place().city());
    g.writeStringField("country", "US");
    g.writeStringField("postal_code", holder.place().postalCode());
    g.writeStringField("region", holder.place().region());
    g.writeStringField("street", holder.street());
    g.writeEndObject();
    g.writeBooleanField("primary", true);
    g.writeEndObject();
    g.writeEndArray();
    if (documentId != null) {
      // Not in the schema, but in Plaid's own example (additionalProperties allows it).
      g.writeStringField("document_id", documentId);
    }
    g.writeEndObject();
  }

  private void writeDocuments(String documentId) throws IOException {
    if (documentId == null) {
      g.writeNullField("documents");
      return;
    }
    Instant uploaded = item.linkedAt().plusSeconds(random.nextInt(30 * 86_400));
    Instant updated = uploaded.plusSeconds(random.between(5, 900));
    g.writeArrayFieldStart("documents");
    g.writeStartObject();
    g.writeStringField("document_id", documentId);
    g.writeObjectFieldStart("metadata");
    g.writeStringField("document_type", item.unknownFields() ? "UTILITY_BILL" : "BANK_STATEMENT");
    g.writeBooleanField("is_account_number_match", random.chance(0.9));
    g.writeNumberField("page_count", random.between(1, 6));
    g.writeStringField("last_updated", updated.toString());
    g.writeStringField("uploaded_at", uploaded.toString());
    g.writeEndObject();
    writeRiskInsights();
    g.writeEndObject();
    g.writeEndArray();
  }

  private void writeRiskInsights() throws IOException {
    int signals = random.chance(0.6) ? 0 : random.between(1, 3);
    boolean risky = false;
    g.writeObjectFieldStart("risk_insights");
    g.writeArrayFieldStart("risk_signals");
    for (int i = 0; i < signals; i++) {
      FakeData.Signal signal = random.pick(FakeData.SIGNALS);
      boolean fraud = random.chance(0.5);
      risky |= fraud;
      g.writeStartObject();
      g.writeStringField("type", item.unknownFields() ? "EMULATOR_FUTURE_SIGNAL" : signal.type());
      g.writeBooleanField("has_fraud_risk", fraud);
      g.writeStringField("signal_description", signal.description());
      g.writeNumberField("page_number", random.between(0, 3));
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeObjectFieldStart("risk_summary");
    g.writeNumberField("risk_score", risky ? random.between(60, 100) : random.between(0, 30));
    g.writeEndObject();
    g.writeEndObject();
  }

  private void writeNullableString(String field, String value) throws IOException {
    if (value == null) {
      g.writeNullField(field);
    } else {
      g.writeStringField(field, value);
    }
  }

  private static double cents(double amount) {
    return Math.round(amount * 100) / 100.0;
  }
}
