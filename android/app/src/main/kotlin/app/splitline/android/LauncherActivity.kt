package app.splitline.android

import android.app.Activity
import android.content.Intent
import android.os.Bundle
import app.splitline.android.device.CredentialStore
import app.splitline.android.device.SetupActivity
import app.splitline.android.messaging.HomeActivity

/**
 * The launcher: routes to first-run setup when no account is stored, else
 * to the home screen (the stored account was opened at process start).
 */
class LauncherActivity : Activity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        startActivity(next())
        finish()
    }

    private fun next(): Intent =
        if (CredentialStore(this).load() == null) {
            Intent(this, SetupActivity::class.java)
        } else {
            Intent(this, HomeActivity::class.java)
        }
}
