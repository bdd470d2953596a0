package dev.identitystream.app;

import java.net.BindException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Says what went wrong in words for the console: the messages of an exception and its causes,
 * without Java class names (a cause without a message is named by its class in plain words, e.g.
 * "record too large"). A file-system error names its file and says what is wrong with it ({@code
 * NoSuchFileException}'s own message is the bare path).
 */
public final class ErrorText {

  private ErrorText() {}

  /** The distinct messages of the cause chain, outermost first, joined by ": ". */
  public static String describe(Throwable error) {
    List<String> parts = new ArrayList<>();
    for (Throwable t = error;
        t != null && parts.size() < 6;
        t = t.getCause() == t ? null : t.getCause()) {
      String part = words(t);
      if (part.isEmpty() || parts.stream().anyMatch(p -> p.contains(part))) {
        continue;
      }
      parts.removeIf(part::contains);
      parts.add(part);
    }
    return parts.isEmpty() ? "an unexpected error without a message" : String.join(": ", parts);
  }

  /**
   * What went wrong, for a message that already names the file: a file-system error's reason alone
   * ("no such file or directory", "permission denied"), else {@link #describe}.
   */
  public static String reason(Throwable error) {
    return error instanceof FileSystemException fileError ? fileReason(fileError) : describe(error);
  }

  private static String words(Throwable t) {
    if (t instanceof FileSystemException fileError) {
      return fileError.getFile() == null
          ? fileReason(fileError)
          : fileError.getFile() + ": " + fileReason(fileError);
    }
    String message = t.getMessage() == null ? "" : t.getMessage().strip();
    if (t instanceof BindException) {
      return "address already in use"
          + (message.isEmpty() || message.startsWith("Address already in use")
              ? ""
              : " (" + message + ")");
    }
    if (t instanceof ConnectException && message.isEmpty()) {
      return "connection refused";
    }
    if (t instanceof UnknownHostException) {
      return "unknown host " + message;
    }
    if (!message.isEmpty()) {
      return stripClassPrefix(message);
    }
    return plainName(t.getClass().getSimpleName());
  }

  private static String fileReason(FileSystemException e) {
    if (e.getReason() != null && !e.getReason().isBlank()) {
      return e.getReason().strip();
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "already exists";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "directory not empty";
    }
    return plainName(e.getClass().getSimpleName());
  }

  /** "java.io.IOException: x" (how wrapping exceptions quote their cause) becomes "x". */
  private static String stripClassPrefix(String message) {
    String text = message;
    while (text.matches("^([a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(: .*)?$")) {
      int colon = text.indexOf(": ");
      if (colon < 0) {
        return plainName(text.substring(text.lastIndexOf('.') + 1));
      }
      text = text.substring(colon + 2);
    }
    return text;
  }

  /** "RecordTooLargeException" becomes "record too large". */
  static String plainName(String simpleName) {
    String name = simpleName.replaceAll("(Exception|Error)$", "");
    return name.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT).strip();
  }
}
