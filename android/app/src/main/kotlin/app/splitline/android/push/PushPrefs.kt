package app.splitline.android.push

import android.content.Context
import app.splitline.shell.push.PushState
import app.splitline.shell.push.PushStateStore
import app.splitline.shell.push.WebPushKeys

/** [PushState] in the app's private SharedPreferences (not backed up: `allowBackup="false"`). */
class PushPrefs(context: Context) : PushStateStore {
    private val prefs = context.applicationContext.getSharedPreferences(FILE, Context.MODE_PRIVATE)

    override fun load(): PushState {
        val p256dh = prefs.getString(P256DH, null)
        val auth = prefs.getString(AUTH, null)
        return PushState(
            distributor = prefs.getString(DISTRIBUTOR, null),
            token = prefs.getString(TOKEN, null),
            endpoint = prefs.getString(ENDPOINT, null),
            keys = if (p256dh != null && auth != null) WebPushKeys(p256dh, auth) else null,
            atGateway = prefs.getString(AT_GATEWAY, null),
        )
    }

    override fun save(state: PushState) {
        check(
            prefs.edit()
                .putString(DISTRIBUTOR, state.distributor)
                .putString(TOKEN, state.token)
                .putString(ENDPOINT, state.endpoint)
                .putString(P256DH, state.keys?.p256dh)
                .putString(AUTH, state.keys?.auth)
                .putString(AT_GATEWAY, state.atGateway)
                .commit(),
        ) { "the push settings could not be written" }
    }

    private companion object {
        const val FILE = "push"
        const val DISTRIBUTOR = "distributor"
        const val TOKEN = "token"
        const val ENDPOINT = "endpoint"
        const val P256DH = "p256dh"
        const val AUTH = "auth"
        const val AT_GATEWAY = "at_gateway"
    }
}
