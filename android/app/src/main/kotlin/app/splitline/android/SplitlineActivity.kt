package app.splitline.android

import android.app.Activity
import android.app.AlertDialog
import android.content.pm.PackageManager
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel

/**
 * What every screen shares: a coroutine [scope] on the main thread that ends
 * with the screen, and [withPermission], which asks for a runtime permission
 * when a feature first needs it, saying why first.
 */
abstract class SplitlineActivity : Activity() {
    /** Ends in `onDestroy`; runs on the main thread. */
    protected val scope: CoroutineScope = CoroutineScope(SupervisorJob() + Dispatchers.Main.immediate)

    private val pending = mutableMapOf<Int, (Boolean) -> Unit>()
    private var nextRequest = 1

    /**
     * Runs [then] with true once [permission] is granted: at once if it is;
     * else after showing [reason] and asking. With false if the user refuses
     * (the feature then says what it cannot do).
     */
    fun withPermission(permission: String, reason: CharSequence, then: (granted: Boolean) -> Unit) {
        if (checkSelfPermission(permission) == PackageManager.PERMISSION_GRANTED) return then(true)
        val request = nextRequest++
        pending[request] = then
        AlertDialog.Builder(this)
            .setMessage(reason)
            .setPositiveButton(android.R.string.ok) { _, _ -> requestPermissions(arrayOf(permission), request) }
            .setNegativeButton(android.R.string.cancel) { _, _ -> pending.remove(request)?.invoke(false) }
            .setOnCancelListener { pending.remove(request)?.invoke(false) }
            .show()
    }

    override fun onRequestPermissionsResult(requestCode: Int, permissions: Array<out String>, grantResults: IntArray) {
        val granted = grantResults.isNotEmpty() && grantResults.all { it == PackageManager.PERMISSION_GRANTED }
        pending.remove(requestCode)?.invoke(granted) ?: super.onRequestPermissionsResult(requestCode, permissions, grantResults)
    }

    override fun onDestroy() {
        scope.cancel()
        super.onDestroy()
    }
}
