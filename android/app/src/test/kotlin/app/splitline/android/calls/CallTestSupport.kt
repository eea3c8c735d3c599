package app.splitline.android.calls

import android.app.Application
import android.net.Uri
import android.telecom.Call
import android.telecom.DisconnectCause
import android.telecom.GatewayInfo
import android.telecom.PhoneAccountHandle
import android.telecom.StatusHints
import android.telecom.TelecomManager
import android.telephony.TelephonyManager
import app.splitline.android.splitline
import app.splitline.shell.account.Account
import app.splitline.shell.account.AccountSettings
import app.splitline.shell.calls.CallPlan
import app.splitline.shell.calls.Route
import app.splitline.testsupport.TestNetwork
import java.nio.file.Files
import kotlinx.coroutines.runBlocking
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Implementation
import org.robolectric.annotation.Implements
import org.robolectric.shadows.ShadowTelecomManager

/**
 * The app's account for [name] of the test network at [gateway], opened on
 * a fresh store; signed in when [signIn] (planning a call needs the
 * gateway), else offline, where the core still looks numbers up (callbacks;
 * no access numbers). The SIM and network are British, and the mobile
 * number is verified, as callbacks need.
 */
fun adoptAccount(app: Application, name: String, signIn: Boolean = false, gateway: String = TestNetwork.gateway): Account {
    val account = Account.open(
        Files.createTempDirectory("calls-app").toFile(),
        AccountSettings(listOf(gateway), TestNetwork.account(name).address, "calls-app-test", "calls-app-test"),
    ).getOrThrow()
    if (signIn) runBlocking { account.signIn(TestNetwork.account(name).password, 20u).getOrThrow() }
    app.splitline.adopt(account)
    val telephony = shadowOf(app.getSystemService(TelephonyManager::class.java))
    telephony.setSimCountryIso("gb")
    telephony.setNetworkCountryIso("gb")
    CallCenter.of(app).settings.verifiedNumber = "+447400123456"
    return account
}

/** A callback plan to a London number, as the core gives it. */
val londonCallback = CallPlan(Route.CALLBACK, "+442079460018", null, false, "Your network calls you back.")

/** An access-number plan (the test gateway has none; the call screen's refusal path needs one). */
val londonAccessNumber = CallPlan(Route.ACCESS_NUMBER, "+442079460018", "+442071234567", true, "Dial a free local number.")

/** An incoming call from [number] as telecom hands it to a screening service (its constructor is hidden). */
fun incomingCall(number: String): Call.Details {
    val constructor = Call.Details::class.java.getConstructor(
        Int::class.javaPrimitiveType, String::class.java, Uri::class.java, Int::class.javaPrimitiveType, String::class.java,
        Int::class.javaPrimitiveType, PhoneAccountHandle::class.java, Int::class.javaPrimitiveType, Int::class.javaPrimitiveType,
        DisconnectCause::class.java, Long::class.javaPrimitiveType, GatewayInfo::class.java, Int::class.javaPrimitiveType,
        StatusHints::class.java, android.os.Bundle::class.java, android.os.Bundle::class.java, Long::class.javaPrimitiveType,
        String::class.java, Int::class.javaPrimitiveType, Int::class.javaPrimitiveType, Uri::class.java,
    )
    return constructor.newInstance(
        Call.STATE_RINGING, "call-1", Uri.fromParts("tel", number, null), TelecomManager.PRESENTATION_ALLOWED, null,
        TelecomManager.PRESENTATION_ALLOWED, null, 0, 0, null, 0L, null, 0, null, null, null, 0L, null,
        Call.Details.DIRECTION_INCOMING, 0, null,
    )
}

/** Robolectric's TelecomManager, counting `acceptRingingCall` (the stock shadow ignores it). */
@Implements(TelecomManager::class)
class AnsweringTelecomManager : ShadowTelecomManager() {
    @Implementation
    override fun acceptRingingCall() {
        accepted++
    }

    companion object {
        /** How many times a ringing call was answered. */
        @JvmStatic var accepted = 0
    }
}
