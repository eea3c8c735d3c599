#!/usr/bin/env python3
"""Tests of manifest-summary.py on aapt2 xmltree dumps of the manifests in testdata/
(each X.xmltree is `aapt2 dump xmltree` of X.xml linked by aapt2). Run by ./build.sh check."""
import importlib.util
import pathlib
import unittest

HERE = pathlib.Path(__file__).parent
spec = importlib.util.spec_from_file_location("summary", HERE / "manifest-summary.py")
summary = importlib.util.module_from_spec(spec)
spec.loader.exec_module(summary)


def lines(name):
    return summary.summary(summary.parse((HERE / "testdata" / f"{name}.xmltree").read_text()))


class ManifestSummaryTest(unittest.TestCase):
    def test_permissions_exported_activities_service_types_and_a_guarded_role(self):
        self.assertEqual(lines("launcher"), [
            "activity app.splitline.android.LauncherActivity exported=true action=android.intent.action.DIAL "
            "action=android.intent.action.MAIN category=android.intent.category.LAUNCHER scheme=tel",
            "permission android.permission.FOREGROUND_SERVICE_DATA_SYNC",
            "permission android.permission.INTERNET",
            "role android.app.role.CALL_SCREENING",
            "service a.B exported=true permission=android.permission.BIND_SCREENING_SERVICE "
            "foregroundServiceType=dataSync|phoneCall action=android.telecom.CallScreeningService",
        ])

    def test_receivers_providers_max_sdk_and_no_role_for_an_unguarded_service(self):
        self.assertEqual(lines("components"), [
            "permission android.permission.READ_PHONE_STATE maxSdkVersion=29",
            "provider a.P exported=false",
            "receiver a.Boot exported=false action=android.intent.action.BOOT_COMPLETED",
            "role android.app.role.CALL_REDIRECTION",
            "service a.Redirect exported=true permission=android.permission.BIND_CALL_REDIRECTION_SERVICE "
            "action=android.telecom.CallRedirectionService",
            "service a.Unguarded exported=true action=android.telecom.CallScreeningService",
        ])

    def test_the_apps_it_may_see_survive_the_link_as_queries(self):
        # Debian's aapt2 predates <queries> and links it only as a warning (android/lib.sh).
        self.assertEqual(lines("queries"), [
            "query action=org.unifiedpush.android.distributor.REGISTER",
            "query package=org.example.other",
            "receiver a.Push exported=true action=org.unifiedpush.android.connector.MESSAGE",
        ])

    def test_an_activity_that_is_not_exported_is_left_out(self):
        self.assertFalse(any("a.Hidden" in line for line in lines("components")))


if __name__ == "__main__":
    unittest.main()
