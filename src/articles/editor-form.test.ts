import { describe, expect, test } from "vitest";
import {
  articleInputFromEditor,
  attachSourceErrors,
  editorValuesFromForm,
  localDateTimeToUtc,
  splitNames,
  utcToLocalDateTime,
} from "./editor-form.js";

describe("the editor form", () => {
  test.each([
    ["2026-05-23T09:00", "Europe/London", "2026-05-23T08:00:00.000Z"],
    ["2026-01-23T09:00", "Europe/London", "2026-01-23T09:00:00.000Z"],
    ["2026-05-23T09:00", "UTC", "2026-05-23T09:00:00.000Z"],
    ["2026-05-23T09:00", "America/New_York", "2026-05-23T13:00:00.000Z"],
    ["2026-05-23T00:30", "Asia/Kolkata", "2026-05-22T19:00:00.000Z"],
    ["2026-02-31T09:00", "UTC", undefined],
    ["2026-13-01T09:00", "UTC", undefined],
    ["23/05/2026 09:00", "UTC", undefined],
    ["", "UTC", undefined],
  ])("%s in %s is %s", (local, zone, utc) => {
    expect(localDateTimeToUtc(local, zone)).toBe(utc);
  });

  test("a stored time shows in the site's zone", () => {
    expect(utcToLocalDateTime("2026-05-23T08:00:00.000Z", "Europe/London")).toBe("2026-05-23T09:00");
    expect(utcToLocalDateTime(null, "Europe/London")).toBe("");
  });

  test.each([
    ["Politics, World", ["Politics", "World"]],
    [" Politics ,, World  Affairs , ", ["Politics", "World Affairs"]],
    ["", []],
  ])("%j splits into %j", (text, names) => {
    expect(splitNames(text)).toEqual(names);
  });

  test("blank source rows are skipped and errors land on the row they were typed in", () => {
    const values = editorValuesFromForm({
      title: "T",
      source_url: ["", "bad", "https://ok.example/"],
      source_name: ["", "", "OK"],
    });
    expect(values.sources).toHaveLength(3);
    const { input } = articleInputFromEditor(values, "save_draft", "UTC", { includeAuthor: false });
    expect(input.sources).toEqual([
      { url: "bad", name: "" },
      { url: "https://ok.example/", name: "OK" },
    ]);
    const rest = attachSourceErrors(values, {
      "sources[0].url": "must be an http(s) URL",
      title: "is required",
    });
    expect(values.sources[1].url_error).toBe("must be an http(s) URL");
    expect(values.sources[0].url_error).toBe("");
    expect(rest).toEqual({ title: "is required" });
  });

  test("a cleared time keeps a published story's date; on a draft it clears it", () => {
    const values = editorValuesFromForm({ title: "T", published_at: "" });
    expect(
      articleInputFromEditor(values, "update", "UTC", { existingStatus: "published", includeAuthor: false })
        .input,
    ).not.toHaveProperty("published_at");
    expect(
      articleInputFromEditor(values, "save_draft", "UTC", { existingStatus: "draft", includeAuthor: false })
        .input.published_at,
    ).toBeNull();
  });
});
