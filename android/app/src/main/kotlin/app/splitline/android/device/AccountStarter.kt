package app.splitline.android.device

import android.app.Activity
import android.app.Application
import android.os.Bundle
import android.util.Log
import app.splitline.android.SplitlineApp
import app.splitline.android.push.AppPush
import app.splitline.shell.account.Account
import app.splitline.shell.device.SyncReason
import app.splitline.shell.device.waitingToSend
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch

/**
 * What the device part does at process start (one call in
 * `SplitlineApp.onCreate`): opens the stored account and signs in with the
 * decrypted password, watches the address book if the user turned that on,
 * and tells [SyncTrigger] whether a screen shows.
 */
object AccountStarter {
    private const val TAG = "SplitlineStart"

    /** The app's build, for the gateway's logs. */
    const val BUILD_ID = "android-0.1.0"

    /** Runs once from `SplitlineApp.onCreate`. */
    fun onCreate(app: SplitlineApp) {
        app.registerActivityLifecycleCallbacks(VisibleScreens(app))
        if (app.coreLoaded.isFailure) return
        val credentials = CredentialStore(app)
        val stored = credentials.load() ?: return
        val password = stored.password(CredentialStore.cipher()).getOrElse {
            // The key is gone (a restore to another phone, a cleared keystore): setup asks again.
            Log.w(TAG, "the stored password could not be decrypted; setup is needed again")
            credentials.clear()
            return
        }
        val account = Account.open(app.filesDir, stored.settings(BUILD_ID)).getOrElse {
            Log.w(TAG, "the stored account could not be opened: ${it.javaClass.simpleName}")
            return
        }
        app.adopt(account)
        SyncTrigger.signedIn(app, true)
        follow(app, account)
        ContactsImporter(app).watchIfOn()
        app.scope.launch {
            account.signIn(password).onFailure { Log.i(TAG, "sign-in at start failed: ${it.javaClass.simpleName}") }
            // Push (#19): follows an uninstalled distributor, retries a registration left pending.
            AppPush.controller(app)?.resume()?.forEach { Log.i(TAG, it) }
        }
    }
}

/**
 * What follows every adopted account (at start, or after setup): message
 * notifications, and background sync while a message waits to be sent.
 */
fun follow(app: SplitlineApp, account: Account) {
    MessageNotifier(app).follow(account)
    QueuedMessages.follow(app, account)
}

/** Keeps [SyncReason.MESSAGES_QUEUED] raised while a message of the followed account waits for the gateway. */
private object QueuedMessages {
    private var following: Job? = null

    @Synchronized
    fun follow(app: SplitlineApp, account: Account) {
        following?.cancel()
        following = app.scope.launch {
            account.waitingToSend().collect { waiting ->
                if (waiting) SyncTrigger.raise(app, SyncReason.MESSAGES_QUEUED) else SyncTrigger.clear(app, SyncReason.MESSAGES_QUEUED)
            }
        }
    }
}

/** Counts the started activities: the app is in the foreground while one is. */
private class VisibleScreens(private val app: Application) : Application.ActivityLifecycleCallbacks {
    private var started = 0

    override fun onActivityStarted(activity: Activity) {
        if (started++ == 0) SyncTrigger.foreground(app, true)
    }

    override fun onActivityStopped(activity: Activity) {
        if (--started == 0) SyncTrigger.foreground(app, false)
    }

    override fun onActivityCreated(activity: Activity, savedInstanceState: Bundle?) = Unit

    override fun onActivityResumed(activity: Activity) = Unit

    override fun onActivityPaused(activity: Activity) = Unit

    override fun onActivitySaveInstanceState(activity: Activity, outState: Bundle) = Unit

    override fun onActivityDestroyed(activity: Activity) = Unit
}
