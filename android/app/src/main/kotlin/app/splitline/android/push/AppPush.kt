package app.splitline.android.push

import android.util.Log
import app.splitline.android.SplitlineApp
import app.splitline.android.device.CredentialStore
import app.splitline.android.device.SyncTrigger
import app.splitline.shell.account.Account
import app.splitline.shell.device.SyncReason
import app.splitline.shell.push.Push
import app.splitline.shell.push.PushController
import app.splitline.shell.push.PushGateway
import app.splitline.shell.push.PushSetup
import java.util.UUID

/**
 * Push in the app: the shell's [PushController] over the app's account, the
 * distributors' broadcasts and [PushPrefs]. A push means "fetch": it wakes
 * [SyncTrigger] and runs `sync_once` within [BUDGET_MS]; the notifications
 * then follow from the store ([app.splitline.android.device.MessageNotifier]),
 * never from the push's body, which is not read.
 */
object AppPush {
    private const val TAG = "SplitlinePush"

    /**
     * How long a push's sync may take: a broadcast receiver's `goAsync` has
     * about 10 s; the foreground service [SyncTrigger] starts keeps the
     * process for what is left.
     */
    const val BUDGET_MS = 8_000L

    /** The gateway side; Robolectric tests give a recording one (the app's gateway may have no push yet), nothing else may. */
    @Volatile
    var gateway: (Account) -> PushGateway = { Push(it) }

    /** What a push fetches; Robolectric tests give a recording one, nothing else may. */
    @Volatile
    var fetch: suspend (SplitlineApp, Account) -> Unit = ::syncOnce

    /** The controller over the app's account; null before setup. */
    fun controller(app: SplitlineApp): PushController? {
        val account = app.account ?: return null
        return PushController(
            gateway = gateway(account),
            distributors = AndroidDistributors(app),
            store = PushPrefs(app),
            setup = PushSetup(newToken = { UUID.randomUUID().toString() }),
            sync = {
                SyncTrigger.wake(app, "push")
                fetch(app, account)
            },
        )
    }

    /** What a push runs: the core's `sync_once` with the stored password, within [BUDGET_MS]. */
    suspend fun syncOnce(app: SplitlineApp, account: Account) {
        val password = CredentialStore(app).load()?.password(CredentialStore.cipher())?.getOrNull() ?: return
        Push(account).syncOnce(password, BUDGET_MS)
            .onSuccess { if (it.caughtUp) SyncTrigger.clear(app, SyncReason.PUSH_WAKE) }
            .onFailure { Log.i(TAG, "the push's sync failed: ${it.javaClass.simpleName}") }
    }
}
