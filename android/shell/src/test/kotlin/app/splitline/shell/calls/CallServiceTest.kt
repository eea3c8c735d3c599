package app.splitline.shell.calls

import app.splitline.shell.account.Account
import app.splitline.shell.account.AccountSettings
import app.splitline.shell.core.CoreError
import app.splitline.testsupport.TestNetwork
import java.nio.file.Files
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.AfterClass
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.BeforeClass
import org.junit.Test

/**
 * Calls through a real sign-in (frank) against the test network's gateway,
 * which has no SIP trunk and no access numbers (android/test.sh starts it
 * without `--sip-listen`): it plans callbacks (the core plans; the gateway
 * gives an empty directory) and refuses to place calls or to ring a number
 * with `not_found`. These tests assert exactly that.
 */
class CallServiceTest {
    private val device = CallDevice(false, DataNetwork.CELLULAR, false, "GB", "23415")
    private val request = CallRequest(Callee.Number("020 7946 0018"), CallPreference.AUTOMATIC, device, "GB", "+447400123456")

    @Test
    fun aNumberIsPlannedAsACallbackWithTheCoresExplanation() = runBlocking {
        val plan = service.plan(request).getOrThrow()
        assertEquals(Route.CALLBACK, plan.route)
        assertEquals("+442079460018", plan.target)
        assertNull(plan.accessNumber)
        assertTrue(plan.explanation, plan.explanation.isNotBlank())
    }

    @Test
    fun withoutAVerifiedNumberNoRouteIsLeft() = runBlocking {
        val error = service.plan(request.copy(verifiedNumber = null)).exceptionOrNull()
        assertTrue("$error", error is CoreError.CallNotPossible)
    }

    @Test
    fun thisGatewayPlacesNoCallsAndTheFlowSaysSoInPlainWords() = runBlocking {
        val placed = service.place(request).exceptionOrNull()
        assertTrue("$placed", placed is CoreError.NotFound && placed.code == "not_found")

        val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
        val phone = RecordingPhone()
        val driver = CallDriver(service, phone, scope)
        try {
            driver.send(CallInput.Start(request))
            val planned = withTimeout(20_000) { driver.state.first { it is CallState.Planned } } as CallState.Planned
            assertEquals(Route.CALLBACK, planned.plan.route)
            driver.send(CallInput.Place)
            val ended = withTimeout(20_000) { driver.state.first { it is CallState.Ended } }
            assertEquals(CallState.Ended(EndReason.SETUP_FAILED, "Your network does not place calls through Splitline."), ended)
            assertEquals(emptyList<String>(), phone.dialled)
        } finally {
            scope.cancel()
        }
    }

    @Test
    fun verifyingTheMobileIsRefusedByThisGatewayAndTheCheckSaysSo() = runBlocking {
        val error = service.verifyMobileNumber("+447400123456").exceptionOrNull()
        assertTrue("$error", error is CoreError.NotFound && error.code == "not_found")
        val map = mutableMapOf<String, String?>()
        val settings = CallSettings(
            object : SettingsStore {
                override fun get(key: String) = map[key]

                override fun put(key: String, value: String?) {
                    map[key] = value
                }
            },
        )
        val check = NumberCheck(service, settings)
        check.request("+447400123456")
        assertEquals(NumberCheckState.Failed("Your network does not check mobile numbers (it places no calls)."), check.state.value)
        assertNull(check.pending)
        assertNull(settings.verifiedNumber)
    }

    @Test
    fun aLookupSaysWhatTheCallCostsAndWhetherItIsInternational() = runBlocking {
        val national = service.lookup(request).getOrThrow()
        assertEquals("+442079460018", national.number)
        assertEquals(CallCost.CarrierCall, national.cost)
        assertEquals(Route.CALLBACK, national.plan?.route)
        assertFalse(national.international)
        val fromFrance = service.lookup(request.copy(callee = Callee.Number("+44 20 7946 0018"), homeCountry = "FR")).getOrThrow()
        assertTrue(fromFrance.international)
        assertEquals(RedirectDecision.LeaveAlone, decideRedirect(RedirectRule.INTERNATIONAL_ONLY, national))
        assertEquals(national.plan?.let { RedirectDecision.CancelAndPlace(it) }, decideRedirect(RedirectRule.ALWAYS, national))
        assertNull(service.callerName("+442079460018").getOrThrow())
        assertEquals(emptyList<ContactMatch>(), service.matches().getOrThrow())
        val bad = service.lookup(request.copy(callee = Callee.Number("not a number"))).exceptionOrNull()
        assertTrue("$bad", bad is CoreError.Invalid)
    }

    /** The phone's side, recording what the flow asked it to do. */
    private class RecordingPhone : CallPhone {
        val dialled = mutableListOf<String>()

        override fun dial(dial: DialString): Result<Unit> {
            dialled += dial.text
            return Result.success(Unit)
        }

        override fun placeOverSip(target: String): Result<Unit> = Result.failure(IllegalStateException("no SIP here"))

        override fun endSipCall() = Unit
    }

    companion object {
        private val frank = TestNetwork.account("frank")
        private lateinit var account: Account
        private lateinit var service: CallService

        @BeforeClass
        @JvmStatic
        fun signIn() {
            account = Account.open(
                Files.createTempDirectory("calls").toFile(),
                AccountSettings(listOf(TestNetwork.gateway), frank.address, "calls-test", "calls-test"),
            ).getOrThrow()
            runBlocking { account.signIn(frank.password, 20u).getOrThrow() }
            service = CallService(account)
        }

        @AfterClass
        @JvmStatic
        fun signOff() {
            runBlocking { account.signOff() }
            account.close()
        }
    }
}
