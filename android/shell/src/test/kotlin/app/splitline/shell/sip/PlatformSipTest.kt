package app.splitline.shell.sip

import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test

class PlatformSipTest {
    private fun probe(sip: Boolean, voip: Boolean, api: Boolean?, voipApi: Boolean?) =
        SipProbe(hasSipFeature = sip, hasSipVoipFeature = voip, apiSupported = api, voipSupported = voipApi)

    @Test
    fun noFeatureMeansNoPlatformSipEvenIfSipManagerAnswers() {
        val status = decidePlatformSip(probe(sip = false, voip = false, api = true, voipApi = true))
        assertEquals(SipReason.NO_SIP_FEATURE, status.reason)
        assertFalse(status.usable)
    }

    @Test
    fun sipWithoutVoipFeatureCannotCarryCalls() {
        assertEquals(SipReason.NO_VOIP_FEATURE, decidePlatformSip(probe(true, false, true, true)).reason)
    }

    @Test
    fun featuresWithoutReachableSipManagerAreNotUsable() {
        val status = decidePlatformSip(probe(true, true, null, null))
        assertEquals(SipReason.SIP_MANAGER_MISSING, status.reason)
        assertFalse(status.usable)
    }

    @Test
    fun sipManagerRefusalsAreReportedInOrder() {
        assertEquals(SipReason.API_NOT_SUPPORTED, decidePlatformSip(probe(true, true, false, false)).reason)
        assertEquals(SipReason.VOIP_NOT_SUPPORTED, decidePlatformSip(probe(true, true, true, false)).reason)
    }

    @Test
    fun everythingSayingYesMakesPlatformSipUsable() {
        val status = decidePlatformSip(probe(true, true, true, true))
        assertEquals(SipReason.AVAILABLE, status.reason)
        assertTrue(status.usable)
    }

    @Test
    fun voipFeatureAloneStillNeedsSipManager() {
        // A build may declare FEATURE_SIP_VOIP without FEATURE_SIP.
        assertEquals(SipReason.SIP_MANAGER_MISSING, decidePlatformSip(probe(false, true, null, true)).reason)
    }
}
