package io.kubepy.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The book's example files (shared/book), read as text for fabric8's own deserializer. */
final class Book {
  private final Path dir;

  Book(Path dir) {
    this.dir = dir;
  }

  String text(String rel) {
    try {
      return Files.readString(dir.resolve(rel));
    } catch (IOException e) {
      throw new UncheckedIOException("the book's file is missing: " + dir.resolve(rel), e);
    }
  }
}
