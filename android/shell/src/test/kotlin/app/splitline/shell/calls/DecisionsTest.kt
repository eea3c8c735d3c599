package app.splitline.shell.calls

import app.splitline.shell.sip.PlatformSipStatus
import app.splitline.shell.sip.SipReason
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Test

/** The redirection rule, the incoming-call decision, dial strings, settings and the device report. */
class DecisionsTest {
    private val callbackPlan = CallPlan(Route.CALLBACK, "+33142000000", null, false, "A callback.")
    private val accessPlan = CallPlan(Route.ACCESS_NUMBER, "+33142000000", "+442071234567", false, "An access number.")

    private fun lookup(plan: CallPlan?, international: Boolean) =
        NumberLookup("+33142000000", emptyList(), emptyList(), CallCost.CarrierCall, plan, "why", international)

    @Test
    fun neverLeavesEveryCallAlone() {
        assertEquals(RedirectDecision.LeaveAlone, decideRedirect(RedirectRule.NEVER, lookup(accessPlan, true)))
    }

    @Test
    fun internationalOnlyRedirectsInternationalNumbersOnly() {
        assertEquals(
            RedirectDecision.ToAccessNumber("+442071234567"),
            decideRedirect(RedirectRule.INTERNATIONAL_ONLY, lookup(accessPlan, true)),
        )
        assertEquals(RedirectDecision.LeaveAlone, decideRedirect(RedirectRule.INTERNATIONAL_ONLY, lookup(accessPlan, false)))
    }

    @Test
    fun alwaysAsksOrRedirectsByTheRoute() {
        assertEquals(RedirectDecision.Ask, decideRedirect(RedirectRule.ALWAYS_ASK, lookup(callbackPlan, false)))
        assertEquals(RedirectDecision.CancelAndPlace(callbackPlan), decideRedirect(RedirectRule.ALWAYS, lookup(callbackPlan, false)))
        assertEquals(RedirectDecision.ToAccessNumber("+442071234567"), decideRedirect(RedirectRule.ALWAYS, lookup(accessPlan, false)))
    }

    @Test
    fun noLookupOrNoRouteLeavesTheCallAlone() {
        for (rule in RedirectRule.entries) {
            assertEquals(RedirectDecision.LeaveAlone, decideRedirect(rule, null))
            assertEquals(RedirectDecision.LeaveAlone, decideRedirect(rule, lookup(null, true)))
        }
    }

    private val verification = Verification("+447400123456", "+4420794600", 4, 600)

    @Test
    fun thePendingCallbackIsAnsweredWhateverItsFormatting() {
        assertEquals(IncomingDecision.AnswerCallback, decideIncoming("+44 1234 000000", "+441234000000", verification))
    }

    @Test
    fun theFlashCallGivesItsCode() {
        assertEquals(IncomingDecision.TakeFlashCode("1842"), decideIncoming("+44207946001842", null, verification))
    }

    @Test
    fun aStrangerIsLeftAlone() {
        assertEquals(IncomingDecision.LeaveAlone, decideIncoming("+33142000000", "+441234000000", verification))
        assertEquals(IncomingDecision.LeaveAlone, decideIncoming("+33142000000", null, null))
        // The flash call's prefix with the wrong number of digits is not the flash call.
        assertEquals(IncomingDecision.LeaveAlone, decideIncoming("+442079460018421", null, verification))
        // No caller id (withheld): nothing to recognise.
        assertEquals(IncomingDecision.LeaveAlone, decideIncoming(null, "+441234000000", verification))
        assertEquals(IncomingDecision.LeaveAlone, decideIncoming("", "+441234000000", verification))
    }

    @Test
    fun aDialStringSplitsAtItsFirstPauseOrWait() {
        assertEquals(DialString("+442071234567", ""), DialString.of("+442071234567"))
        assertEquals(DialString("+442071234567", ",,1234;#"), DialString.of("+442071234567,,1234;#"))
        assertEquals("+442071234567;99", DialString.of("+442071234567;99").text)
    }

    @Test
    fun settingsHaveDefaultsAndKeepWhatIsChosen() {
        val map = mutableMapOf<String, String>()
        val store = object : SettingsStore {
            override fun get(key: String) = map[key]

            override fun put(key: String, value: String?) {
                if (value == null) map.remove(key) else map[key] = value
            }
        }
        val settings = CallSettings(store)
        assertEquals(CallPreference.AUTOMATIC, settings.preference)
        assertEquals(RedirectRule.NEVER, settings.redirectRule)
        assertNull(settings.verifiedNumber)
        settings.preference = CallPreference.CALLBACK
        settings.redirectRule = RedirectRule.INTERNATIONAL_ONLY
        settings.verifiedNumber = "+447400123456"
        val again = CallSettings(store)
        assertEquals(CallPreference.CALLBACK, again.preference)
        assertEquals(RedirectRule.INTERNATIONAL_ONLY, again.redirectRule)
        assertEquals("+447400123456", again.verifiedNumber)
        map["call.redirect"] = "SOMETHING_OLD"
        assertEquals(RedirectRule.NEVER, again.redirectRule)
    }

    @Test
    fun theDeviceReportTakesTheNetworksCountryFirst() {
        val available = PlatformSipStatus(SipReason.AVAILABLE)
        assertEquals(
            CallDevice(true, DataNetwork.WIFI, true, "FR", "20801"),
            callDevice(available, DataNetwork.WIFI, true, "fr", "gb", "20801"),
        )
        assertEquals(
            CallDevice(false, DataNetwork.NONE, false, "GB", null),
            callDevice(PlatformSipStatus(SipReason.NO_SIP_FEATURE), DataNetwork.NONE, false, "", "gb", ""),
        )
    }
}
