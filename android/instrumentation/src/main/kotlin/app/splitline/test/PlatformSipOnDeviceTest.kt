package app.splitline.test

import android.content.pm.PackageManager
import app.splitline.android.PlatformSipCheck
import app.splitline.shell.sip.SipReason
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
import org.junit.Test

/** The platform SIP check on a real phone: its answer follows the phone's declared features. */
class PlatformSipOnDeviceTest {
    private val packages = OnDevice.app.packageManager

    @Test
    fun withoutTheSipFeaturesTheCheckSaysSoAndAsksNothing() {
        val sip = packages.hasSystemFeature(PackageManager.FEATURE_SIP)
        val voip = packages.hasSystemFeature(PackageManager.FEATURE_SIP_VOIP)
        val status = PlatformSipCheck(OnDevice.app).status()
        if (!sip && !voip) {
            assertEquals(SipReason.NO_SIP_FEATURE, status.reason)
        } else {
            assertNotEquals(SipReason.NO_SIP_FEATURE, status.reason)
        }
    }

    @Test
    fun theProbeReportsThePhonesFeatures() {
        val probe = PlatformSipCheck(OnDevice.app).probe()
        assertEquals(packages.hasSystemFeature(PackageManager.FEATURE_SIP), probe.hasSipFeature)
        assertEquals(packages.hasSystemFeature(PackageManager.FEATURE_SIP_VOIP), probe.hasSipVoipFeature)
    }
}
