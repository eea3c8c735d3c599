package app.splitline.android

import android.app.Application
import android.content.pm.PackageManager
import app.splitline.shell.sip.SipReason
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34])
class PlatformSipCheckTest {
    private val app: Application = RuntimeEnvironment.getApplication()

    private fun features(sip: Boolean, voip: Boolean) {
        shadowOf(app.packageManager).setSystemFeature(PackageManager.FEATURE_SIP, sip)
        shadowOf(app.packageManager).setSystemFeature(PackageManager.FEATURE_SIP_VOIP, voip)
    }

    @Test
    fun withoutTheFeatureSipManagerIsNotAskedAndSipIsAbsent() {
        features(sip = false, voip = false)
        var asked = false
        val check = PlatformSipCheck(app) {
            asked = true
            true to true
        }
        val status = check.status()
        assertEquals(SipReason.NO_SIP_FEATURE, status.reason)
        assertFalse(status.usable)
        assertFalse(asked)
    }

    @Test
    fun withTheFeaturesAndSipManagerSayingYesSipIsUsable() {
        features(sip = true, voip = true)
        val probe = PlatformSipCheck(app) { true to true }.probe()
        assertTrue(probe.hasSipFeature && probe.hasSipVoipFeature)
        assertTrue(PlatformSipCheck(app) { true to true }.status().usable)
    }

    @Test
    fun withTheFeaturesButNoVoipSupportSipIsNotUsable() {
        features(sip = true, voip = true)
        assertEquals(SipReason.VOIP_NOT_SUPPORTED, PlatformSipCheck(app) { true to false }.status().reason)
    }

    @Test
    fun withTheFeaturesTheRealReflectionFindsNoSipManagerInThisFramework() {
        // android.net.sip is in no android-all jar, as on most phones' builds.
        features(sip = true, voip = true)
        val check = PlatformSipCheck(app)
        assertNull(check.probe().apiSupported)
        assertEquals(SipReason.SIP_MANAGER_MISSING, check.status().reason)
    }

    @Test
    fun sipWithoutVoipFeatureIsReported() {
        features(sip = true, voip = false)
        assertEquals(SipReason.NO_VOIP_FEATURE, PlatformSipCheck(app) { true to true }.status().reason)
    }
}
