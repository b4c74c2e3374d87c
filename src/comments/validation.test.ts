import { describe, expect, test } from "vitest";
import { normaliseWebsite, validateCommentFields } from "./validation.js";

const good = { name: "Ada Reader", email: "Ada@Example.org", url: "", body: "Well said." };

describe("validateCommentFields", () => {
  test.each<[string, Partial<typeof good>, string, RegExp]>([
    ["a missing name", { name: "  " }, "name", /is required/],
    ["a name over 100 characters", { name: "n".repeat(101) }, "name", /at most 100/],
    ["a name with a control character", { name: "Ada\u0007" }, "name", /control characters/],
    ["a name with a right-to-left override", { name: "Ada\u202Egnp.exe" }, "name", /control characters/],
    ["a missing email", { email: "" }, "email", /is required/],
    ["an invalid email", { email: "ada@" }, "email", /valid email/],
    ["an email over 254 characters", { email: `${"a".repeat(250)}@example.org` }, "email", /at most 254/],
    ["a javascript: website", { url: "javascript:alert(1)" }, "url", /http:\/\/ or https:\/\//],
    ["a data: website", { url: "data:text/html,<script>alert(1)</script>" }, "url", /http/],
    [
      "a website over 200 characters",
      { url: `https://example.org/${"p".repeat(200)}` },
      "url",
      /at most 200/,
    ],
    ["a missing comment", { body: " \n\t " }, "body", /is required/],
    ["a comment over 10,000 characters", { body: "b".repeat(10_001) }, "body", /at most 10,000/],
    ["a comment with a NUL", { body: "hello\u0000world" }, "body", /control characters/],
    ["text that was not UTF-8", { body: "caf\uFFFD" }, "body", /not valid UTF-8/],
    ["a lone surrogate", { name: "Ada \uD800" }, "name", /not valid UTF-8/],
  ])("refuses %s", (_what, change, fieldName, message) => {
    const { errors } = validateCommentFields({ ...good, ...change }, { staff: false });
    expect(errors[fieldName]).toMatch(message);
  });

  test("cleans what it accepts: trimmed name, lowercased email, absolute website, LF line ends", () => {
    const { errors, clean } = validateCommentFields(
      { name: "  Ada   Reader ", email: " Ada@Example.org ", url: "example.org/me", body: "one\r\ntwo\r\n" },
      { staff: false },
    );
    expect(errors).toEqual({});
    expect(clean).toEqual({
      name: "Ada Reader",
      email: "ada@example.org",
      url: "https://example.org/me",
      body: "one\ntwo",
    });
  });

  test("tabs and line breaks are fine in a comment", () => {
    expect(validateCommentFields({ ...good, body: "a\tb\nc\r\nd" }, { staff: false }).errors).toEqual({});
  });

  test("staff need only the comment", () => {
    expect(
      validateCommentFields({ name: "", email: "", url: "", body: "Thanks!" }, { staff: true }).errors,
    ).toEqual({});
  });
});

describe("normaliseWebsite", () => {
  test.each([
    ["https://example.org", "https://example.org"],
    ["example.org", "https://example.org"],
    ["http://example.org/a?b=c", "http://example.org/a?b=c"],
    ["javascript:alert(1)", undefined],
    ["JaVaScRiPt:alert(1)", undefined],
    ["ftp://example.org", undefined],
    ["notaurl", undefined],
    ["https://user:pass@example.org", undefined],
  ])("%s → %s", (raw, expected) => {
    expect(normaliseWebsite(raw)).toBe(expected);
  });
});
