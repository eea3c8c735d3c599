package app.splitline.android.calls

import android.content.Context
import android.content.SharedPreferences
import android.telephony.TelephonyManager
import app.splitline.android.SplitlineApp
import app.splitline.android.device.SyncTrigger
import app.splitline.android.splitline
import app.splitline.shell.account.Account
import app.splitline.shell.calls.CallDriver
import app.splitline.shell.calls.CallPlan
import app.splitline.shell.calls.CallRequest
import app.splitline.shell.calls.CallService
import app.splitline.shell.calls.CallSettings
import app.splitline.shell.calls.CallState
import app.splitline.shell.calls.Callee
import app.splitline.shell.calls.NumberCheck
import app.splitline.shell.calls.NumberCheckState
import app.splitline.shell.calls.Route
import app.splitline.shell.calls.SettingsStore
import app.splitline.shell.calls.isActive
import app.splitline.shell.device.SyncReason
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.distinctUntilChanged
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.launch

/**
 * The process's calls: the settings, and for the signed-in account the call
 * flow's driver and the number check, which the screens and the telecom
 * services share (the screening service answers the callback the driver
 * waits for, and reads the flash call the number check waits for).
 */
class CallCenter private constructor(private val app: SplitlineApp) {
    /** The user's call settings, in SharedPreferences. */
    val settings = CallSettings(PreferencesStore(app.getSharedPreferences("calls", Context.MODE_PRIVATE)))

    private var owner: Account? = null
    private var currentDriver: CallDriver? = null
    private var currentCheck: NumberCheck? = null
    private var listening: Job? = null
    private var syncing: Job? = null

    /** Calls on the app's account, or null before setup. */
    val service: CallService? get() = app.account?.let(::CallService)

    /** The call flow for the app's account (null before setup); one call at a time. */
    val driver: CallDriver? get() = forAccount { currentDriver }

    /** The number check for the app's account (null before setup). */
    val numberCheck: NumberCheck? get() = forAccount { currentCheck }

    /** Starts the number check at [state] (tests put one waiting for its flash call here). */
    @Synchronized
    internal fun resumeCheck(state: NumberCheckState) {
        val account = forAccount { owner }
        currentCheck = account?.let { NumberCheck(CallService(it), settings, state) }
    }

    /** Starts the flow at [state] (a restored call; tests put a pending callback here). */
    @Synchronized
    internal fun resume(state: CallState) {
        forAccount { null }
        install(owner, state)
    }

    /** A call to [callee] as the settings and the phone's report ask for it. */
    fun request(callee: Callee): CallRequest {
        val telephony = app.getSystemService(TelephonyManager::class.java)
        return CallRequest(
            callee = callee,
            preference = settings.preference,
            device = DeviceProbe(app).device(),
            homeCountry = telephony?.simCountryIso.orEmpty().uppercase(),
            verifiedNumber = settings.verifiedNumber,
        )
    }

    /** Whom a call of [plan] reaches, for the screens: the address book's name, else the target. */
    fun calleeName(plan: CallPlan): String =
        if (plan.route == Route.PLATFORM_SIP || plan.target.contains('@')) {
            plan.target
        } else {
            service?.callerName(plan.target)?.getOrNull() ?: plan.target
        }

    @Synchronized
    private fun <T> forAccount(pick: () -> T?): T? {
        val account = app.account
        if (account !== owner) {
            owner = account
            install(account, CallState.Idle)
            currentCheck = account?.let { NumberCheck(CallService(it), settings) }
        }
        return pick()
    }

    /** A new flow for [account] at [state]; the old one stops hearing the core. */
    private fun install(account: Account?, state: CallState) {
        listening?.cancel()
        val driver = account?.let { CallDriver(CallService(it), TelecomPhone(app), app.scope, state) }
        currentDriver = driver
        listening = driver?.listen()
        syncing?.cancel()
        syncing = driver?.let { keepSyncingDuring(it) }
    }

    /** While a call is under way, the core syncs even with no screen open (its updates drive the call). */
    private fun keepSyncingDuring(driver: CallDriver): Job =
        app.scope.launch {
            driver.state.map { it.isActive() }.distinctUntilChanged().collect { active ->
                if (active) SyncTrigger.raise(app, SyncReason.CALL_PENDING) else SyncTrigger.clear(app, SyncReason.CALL_PENDING)
            }
        }

    companion object {
        @Volatile private var instance: CallCenter? = null

        /** The process's call center. */
        fun of(context: Context): CallCenter {
            val app = context.splitline
            instance?.takeIf { it.app === app }?.let { return it }
            return synchronized(this) {
                instance?.takeIf { it.app === app } ?: CallCenter(app).also { instance = it }
            }
        }
    }
}

/** The call settings' store: SharedPreferences. */
private class PreferencesStore(private val prefs: SharedPreferences) : SettingsStore {
    override fun get(key: String): String? = prefs.getString(key, null)

    override fun put(key: String, value: String?) {
        prefs.edit().apply { if (value == null) remove(key) else putString(key, value) }.apply()
    }
}
