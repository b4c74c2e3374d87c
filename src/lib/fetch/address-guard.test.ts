import { expect, test } from "vitest";
import { isBlockedAddress } from "./address-guard.js";

test.each([
  ["127.0.0.1", true],
  ["127.8.9.10", true],
  ["10.0.0.1", true],
  ["172.16.5.4", true],
  ["192.168.1.1", true],
  ["169.254.169.254", true],
  ["100.64.0.1", true],
  ["100.100.100.200", true],
  ["0.0.0.0", true],
  ["224.0.0.1", true],
  ["255.255.255.255", true],
  ["192.0.0.192", true],
  ["168.63.129.16", true],
  ["::1", true],
  ["[::1]", true],
  ["::", true],
  ["fe80::1", true],
  ["fd00:ec2::254", true],
  ["fc00::5", true],
  ["ff02::1", true],
  ["::ffff:127.0.0.1", true],
  ["::ffff:10.0.0.1", true],
  ["64:ff9b::a00:1", true],
  ["2002:a00:1::", true],
  ["not-an-ip", true],
  ["8.8.8.8", false],
  ["93.184.216.34", false],
  ["2606:4700:4700::1111", false],
  ["::ffff:8.8.8.8", false],
])("isBlockedAddress(%s) is %s", (address, blocked) => {
  expect(isBlockedAddress(address)).toBe(blocked);
});
