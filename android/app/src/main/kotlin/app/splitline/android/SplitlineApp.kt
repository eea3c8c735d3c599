package app.splitline.android

import android.app.Application
import app.splitline.android.device.AccountStarter
import app.splitline.shell.Core
import app.splitline.shell.account.Account
import java.util.concurrent.atomic.AtomicReference
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob

/**
 * The process: loads the core once, creates the notification channels, and
 * holds the one [Account] every screen, service and receiver works on.
 */
class SplitlineApp : Application() {
    private val current = AtomicReference<Account?>()

    /** Work that outlives a screen (sync, sending, a call's setup). */
    val scope: CoroutineScope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    /** Whether the core's native library loaded; when not, every screen says so. */
    var coreLoaded: Result<Unit> = Result.success(Unit)
        private set

    override fun onCreate() {
        super.onCreate()
        coreLoaded = Core.start()
        Notifications.createChannels(this)
        AccountStarter.onCreate(this)
    }

    /** The signed-in (or stored, not yet online) account; null before setup. */
    val account: Account? get() = current.get()

    /** Makes [account] the app's account, closing the one before it. */
    fun adopt(account: Account?) {
        current.getAndSet(account)?.takeIf { it !== account }?.close()
    }
}

/** The app's [SplitlineApp], from any component. */
val android.content.Context.splitline: SplitlineApp get() = applicationContext as SplitlineApp
