package dev.identitystream.emulator;

import java.time.Instant;

/**
 * The Item-level choices that its accounts depend on.
 *
 * @param itemId the 37-character item id
 * @param institution the institution, or null for an Item made without one (Same-Day
 *     Micro-deposits)
 * @param authMethod {@code item.auth_method}
 * @param linkedAt when the Item was linked (documents are uploaded after it)
 * @param unknownFields whether to add fields and enum values unknown to the spec
 * @param itemError whether {@code item.error} is a non-null PlaidError
 */
record ItemProfile(
    String itemId,
    FakeData.Institution institution,
    String authMethod,
    Instant linkedAt,
    boolean unknownFields,
    boolean itemError) {}
