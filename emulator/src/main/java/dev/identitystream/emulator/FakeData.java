package dev.identitystream.emulator;

import java.util.List;
import java.util.Locale;

/**
 * Word lists for fictional identity data: invented people, reserved phone numbers (555-01xx), the
 * reserved {@code example.com} mail domain, and Plaid's Sandbox institutions.
 */
final class FakeData {

  private FakeData() {}

  record Institution(String id, String name) {}

  record Place(String city, String region, String postalCode) {}

  record Signal(String type, String description) {}

  static final List<Institution> INSTITUTIONS =
      List.of(
          new Institution("ins_109508", "First Platypus Bank"),
          new Institution("ins_109509", "First Gingham Credit Union"),
          new Institution("ins_109510", "Tattersall Federal Credit Union"),
          new Institution("ins_109511", "Tartan Bank"),
          new Institution("ins_109512", "Houndstooth Bank"));

  static final List<String> FIRST_NAMES =
      List.of(
          "ALBERTA",
          "BRUNO",
          "CELESTE",
          "DORIAN",
          "EDWINA",
          "FELIX",
          "GRETA",
          "HUGO",
          "IMOGEN",
          "JASPER",
          "KEIRA",
          "LEANDER",
          "MARGOT",
          "NILES",
          "OPHELIA",
          "PERCIVAL",
          "QUINN",
          "ROSALIND",
          "SILAS",
          "THEA",
          "ULRIC",
          "VIOLA",
          "WINSLOW",
          "XIMENA",
          "YORICK",
          "ZELDA");

  static final List<String> LAST_NAMES =
      List.of(
          "ABERNATHY",
          "BRIGHTWATER",
          "COPPERFIELD",
          "DUNMORE",
          "ELDERBERRY",
          "FAIRWEATHER",
          "GOLDTHWAITE",
          "HOLLOWAY",
          "IRONWOOD",
          "JUNIPER",
          "KINGSLEY",
          "LOCKWOOD",
          "MARBLETON",
          "NIGHTINGALE",
          "OAKHURST",
          "PEMBERTON",
          "QUILLFEATHER",
          "RAVENSCROFT",
          "STONEBRIDGE",
          "THISTLEWOOD",
          "UNDERHILL",
          "VANTERPOOL",
          "WHITLOCK",
          "YARBOROUGH");

  static final List<String> STREETS =
      List.of(
          "GRAND AVE",
          "PLATYPUS WAY",
          "MAPLE ST",
          "HARBOR BLVD",
          "LINDEN LN",
          "ORCHARD RD",
          "CEDAR CT",
          "MILLBROOK DR",
          "WILLOW PL",
          "SUMMIT AVE",
          "RIVERSIDE TER",
          "BIRCH ST");

  static final List<Place> PLACES =
      List.of(
          new Place("OAKLAND", "CA", "94612"),
          new Place("SAN FRANCISCO", "CA", "94103"),
          new Place("PORTLAND", "OR", "97205"),
          new Place("AUSTIN", "TX", "78701"),
          new Place("DENVER", "CO", "80202"),
          new Place("CHICAGO", "IL", "60601"),
          new Place("BROOKLYN", "NY", "11201"),
          new Place("BOSTON", "MA", "02108"),
          new Place("SEATTLE", "WA", "98101"),
          new Place("ATLANTA", "GA", "30303"),
          new Place("MADISON", "WI", "53703"),
          new Place("SALT LAKE CITY", "UT", "84111"));

  static final List<Signal> SIGNALS =
      List.of(
          new Signal(
              "METADATA_DATES_OUTSIDE_WINDOW", "Creation date and modification date do not match"),
          new Signal("SOFTWARE_BLACKLIST", "Adobe Acrobat"),
          new Signal("FONT", "Inconsistent fonts in account holder name"),
          new Signal("MASKING", "Masked content found on page"),
          new Signal("OVERLAID_TEXT", "Text overlaid on original content"),
          new Signal("EDITED_TEXT", "Edited text found in transaction amounts"),
          new Signal("ADDRESS_FORMAT_ANOMALY", "Address does not follow the expected format"),
          new Signal("DATE_FORMAT_ANOMALY", "Statement dates use mixed formats"),
          new Signal("METADATA_DATES_MATCH", "Creation date and modification date match"),
          new Signal("TEXT_COMPRESSION", "Unusual text compression detected"));

  /** Product lists an Item created through a loginless Auth flow may show. */
  static final List<String> AVAILABLE_PRODUCTS =
      List.of("balance", "signal", "transactions", "statements", "investments");

  /** A fictional phone number in the reserved 555-0100..0199 range. */
  static String phone(Mix64 random) {
    int area = 200 + random.nextInt(700);
    return "+1 " + area + "-555-01" + String.format(Locale.ROOT, "%02d", random.nextInt(100));
  }

  /** A mail address under the reserved example.com domain. */
  static String email(String first, String last, Mix64 random) {
    String local = first.toLowerCase(Locale.ROOT) + "." + last.toLowerCase(Locale.ROOT);
    return local + random.nextInt(100) + "@example.com";
  }
}
