#!/usr/bin/env python3
"""One line per thing an APK's manifest declares, from `aapt2 dump xmltree --file
AndroidManifest.xml APK` on stdin, in the format of android/app/expected-badging.txt:

  permission NAME [maxSdkVersion=N]
  service|receiver|provider NAME [exported=B] [permission=P] [foregroundServiceType=T|T]
      [action=A ...] [category=C ...] [scheme=S ...]      (every one of these components)
  activity NAME exported=true ...                         (exported activities only)
  role ROLE                                               (a service qualifies for ROLE)
  instrumentation NAME targetPackage=P
  query action=A|package=P                                (in <queries>: the other apps it may see)

Values within one kind (actions, categories, schemes, service types) are sorted,
so a line does not depend on the manifest's order."""
import re
import sys

ANDROID = "http://schemas.android.com/apk/res/android:"
# android:foregroundServiceType flags (android.content.pm.ServiceInfo).
SERVICE_TYPES = {
    0x1: "dataSync", 0x2: "mediaPlayback", 0x4: "phoneCall", 0x8: "location",
    0x10: "connectedDevice", 0x20: "mediaProjection", 0x40: "camera", 0x80: "microphone",
    0x100: "health", 0x200: "remoteMessaging", 0x400: "systemExempted", 0x800: "shortService",
    0x40000000: "specialUse",
}
# A role the system grants only to an app with a service of this action, guarded by this permission.
ROLES = {
    ("android.telecom.CallScreeningService", "android.permission.BIND_SCREENING_SERVICE"): "android.app.role.CALL_SCREENING",
    ("android.telecom.CallRedirectionService", "android.permission.BIND_CALL_REDIRECTION_SERVICE"):
        "android.app.role.CALL_REDIRECTION",
}
COMPONENTS = ("activity", "activity-alias", "service", "receiver", "provider")


class Element:
    def __init__(self, name, depth, parent):
        self.name, self.depth, self.parent = name, depth, parent
        self.attrs, self.children = {}, []


def parse(text):
    root = Element("", -1, None)
    current = root
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip())
        body = line.strip()
        if body.startswith("E: "):
            while current.depth >= depth:
                current = current.parent
            element = Element(body[3:].split(" ")[0], depth, current)
            current.children.append(element)
            current = element
        elif body.startswith("A: "):
            m = re.match(r'A: (?:' + re.escape(ANDROID) + r')?([\w-]+)(?:\(0x[0-9a-f]+\))?=(.*)$', body)
            if m:
                value = m.group(2)
                quoted = re.match(r'"(.*?)"( \(Raw: .*\))?$', value)
                current.attrs[m.group(1)] = quoted.group(1) if quoted else value
    return root


def walk(element):
    for child in element.children:
        yield child
        yield from walk(child)


def service_types(value):
    flags = int(value, 0)
    return "|".join(sorted(name for bit, name in SERVICE_TYPES.items() if flags & bit)) or value


def component_line(element):
    words = [element.name, element.attrs.get("name", "?")]
    if "exported" in element.attrs:
        words.append("exported=" + element.attrs["exported"])
    if "permission" in element.attrs:
        words.append("permission=" + element.attrs["permission"])
    if "foregroundServiceType" in element.attrs:
        words.append("foregroundServiceType=" + service_types(element.attrs["foregroundServiceType"]))
    filters = [c for c in element.children if c.name == "intent-filter"]
    for kind, attr in (("action", "name"), ("category", "name"), ("data", "scheme")):
        values = sorted({c.attrs[attr] for f in filters for c in f.children if c.name == kind and attr in c.attrs})
        key = "scheme" if kind == "data" else kind
        words += [f"{key}={v}" for v in values]
    return " ".join(words)


def summary(root):
    lines = []
    for e in walk(root):
        if e.name == "uses-permission":
            line = "permission " + e.attrs.get("name", "?")
            if "maxSdkVersion" in e.attrs:
                line += " maxSdkVersion=" + e.attrs["maxSdkVersion"]
            lines.append(line)
        elif e.name == "queries":
            for asked in e.children:
                if asked.name == "package" and "name" in asked.attrs:
                    lines.append("query package=" + asked.attrs["name"])
                elif asked.name == "intent":
                    lines += [f"query action={c.attrs['name']}" for c in asked.children if c.name == "action" and "name" in c.attrs]
        elif e.name == "instrumentation":
            lines.append(f"instrumentation {e.attrs.get('name', '?')} targetPackage={e.attrs.get('targetPackage', '?')}")
        elif e.name in COMPONENTS:
            if e.name.startswith("activity") and e.attrs.get("exported") != "true":
                continue
            lines.append(component_line(e))
            if e.name == "service":
                actions = {c.attrs.get("name") for f in e.children if f.name == "intent-filter" for c in f.children if c.name == "action"}
                for (action, permission), role in ROLES.items():
                    if action in actions and e.attrs.get("permission") == permission:
                        lines.append("role " + role)
    return sorted(set(lines))


if __name__ == "__main__":
    print("\n".join(summary(parse(sys.stdin.read()))))
